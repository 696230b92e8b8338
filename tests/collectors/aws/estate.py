"""A realistic little estate seeded into moto: every service, good and bad twins.

`seed_estate` creates, in the default account and us-east-1, resources with deliberate
problems next to compliant twins (names start with `bad-` / `good-`), so the end-to-end
test can check that `pscan scan` fails exactly the bad ones. It returns the ids it made.
`seed_capacity_estate` seeds an estate close to its limits; `seed_cost_estate` queues a
small spend story (two services, two accounts, a product tag with an untagged share) as
moto's Cost Explorer answers.
"""

from __future__ import annotations

import io
import json
import urllib.request
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from botocore.awsrequest import AWSResponse

from .conftest import ACCOUNT, REGION, Moto

SECRET_PASSWORD = "Zx9kLm2pQ7rTw"
USER_DATA = f"#!/bin/bash\nyum install -y nginx\nexport DB_PASSWORD={SECRET_PASSWORD}\n"
ADMIN_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
READ_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}
LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
CROSS_ACCOUNT_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "x"}},
        }
    ],
}


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return 1\n")
    return buffer.getvalue()


def _ingress(port: int, cidr: str) -> list[dict[str, Any]]:
    return [{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": cidr}]}]


def seed_estate(moto: Moto) -> dict[str, Any]:
    """Seed the estate; returns names and ids of what was made."""
    made: dict[str, Any] = {}
    ec2 = moto.client("ec2")
    iam = moto.client("iam")

    # ------------------------------------------------------------------ network
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")
    public_id = public["Subnet"]["SubnetId"]
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZone="us-east-1b")
    private_id = private["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=public_id, MapPublicIpOnLaunch={"Value": True})
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=table, SubnetId=public_id)
    bad_sg = ec2.create_security_group(GroupName="bad-ssh", Description="ssh", VpcId=vpc)
    good_sg = ec2.create_security_group(GroupName="good-ssh", Description="ssh", VpcId=vpc)
    ec2.authorize_security_group_ingress(
        GroupId=bad_sg["GroupId"], IpPermissions=_ingress(22, "0.0.0.0/0")
    )
    ec2.authorize_security_group_ingress(
        GroupId=good_sg["GroupId"], IpPermissions=_ingress(22, "10.0.0.0/8")
    )
    made.update(vpc=vpc, public_subnet=public_id, private_subnet=private_id)
    made.update(bad_sg=bad_sg["GroupId"], good_sg=good_sg["GroupId"])

    # ------------------------------------------------------------------ IAM
    iam.create_role(RoleName="web", AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
    iam.create_instance_profile(InstanceProfileName="web")
    iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="web")
    iam.create_role(RoleName="partner", AssumeRolePolicyDocument=json.dumps(CROSS_ACCOUNT_TRUST))
    iam.create_role(RoleName="support", AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
    iam.attach_role_policy(RoleName="support", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")
    admin = iam.create_policy(PolicyName="bad-admin", PolicyDocument=json.dumps(ADMIN_POLICY))
    reader = iam.create_policy(PolicyName="good-reader", PolicyDocument=json.dumps(READ_POLICY))
    iam.create_group(GroupName="readers")
    iam.attach_group_policy(GroupName="readers", PolicyArn=reader["Policy"]["Arn"])
    iam.create_user(UserName="bad-alice")
    iam.create_login_profile(UserName="bad-alice", Password="Initial-Passw0rd!")
    iam.attach_user_policy(UserName="bad-alice", PolicyArn=admin["Policy"]["Arn"])
    iam.create_access_key(UserName="bad-alice")
    iam.create_user(UserName="good-bob")
    iam.add_user_to_group(GroupName="readers", UserName="good-bob")
    iam.update_account_password_policy(MinimumPasswordLength=8, PasswordReusePrevention=1)
    made.update(admin_policy=admin["Policy"]["Arn"], reader_policy=reader["Policy"]["Arn"])

    # ------------------------------------------------------------------ compute
    image = ec2.register_image(Name="base", RootDeviceName="/dev/xvda")["ImageId"]
    for name, subnet, group, data in (
        ("bad-web", public_id, bad_sg["GroupId"], USER_DATA),
        ("good-web", private_id, good_sg["GroupId"], "#!/bin/bash\necho ok\n"),
    ):
        instance = ec2.run_instances(
            ImageId=image,
            MinCount=1,
            MaxCount=1,
            SubnetId=subnet,
            SecurityGroupIds=[group],
            UserData=data,
            IamInstanceProfile={"Name": "web"},
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}
            ],
        )
        made[name] = instance["Instances"][0]["InstanceId"]
    for name, encrypted in (("bad-volume", False), ("good-volume", True)):
        volume = ec2.create_volume(
            Size=10,
            AvailabilityZone="us-east-1a",
            VolumeType="gp3",
            Encrypted=encrypted,
            TagSpecifications=[
                {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": name}]}
            ],
        )
        made[name] = volume["VolumeId"]
        ec2.attach_volume(
            VolumeId=volume["VolumeId"], InstanceId=made["good-web"], Device=f"/dev/sd{name[0]}"
        )

    # ------------------------------------------------------------------ KMS
    kms = moto.client("kms")
    for name, rotate in (("bad-key", False), ("good-key", True)):
        key = kms.create_key(Description=name)["KeyMetadata"]
        kms.create_alias(AliasName=f"alias/{name}", TargetKeyId=key["KeyId"])
        if rotate:
            kms.enable_key_rotation(KeyId=key["KeyId"])
        made[name] = key["Arn"]

    # ------------------------------------------------------------------ S3
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="bad-public-bucket")
    s3.put_bucket_acl(Bucket="bad-public-bucket", ACL="public-read")
    s3.create_bucket(Bucket="good-private-bucket")
    s3.put_public_access_block(
        Bucket="good-private-bucket",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_encryption(
        Bucket="good-private-bucket",
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": made["good-key"],
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    s3.put_bucket_versioning(
        Bucket="good-private-bucket", VersioningConfiguration={"Status": "Enabled"}
    )
    s3.put_bucket_policy(
        Bucket="good-private-bucket",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": "arn:aws:s3:::good-private-bucket/*",
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            }
        ),
    )
    s3.put_bucket_tagging(
        Bucket="good-private-bucket", Tagging={"TagSet": [{"Key": "Team", "Value": "data"}]}
    )
    s3.create_bucket(Bucket="trail-logs")
    s3.put_bucket_acl(Bucket="trail-logs", ACL="log-delivery-write")
    s3.put_bucket_logging(
        Bucket="good-private-bucket",
        BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": "trail-logs", "TargetPrefix": "x/"}
        },
    )
    s3control = moto.client("s3control")
    s3control.put_public_access_block(
        AccountId=ACCOUNT,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": False,  # existing public ACLs still count
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": False,
        },
    )

    # ------------------------------------------------------------------ logging, detection
    cloudtrail = moto.client("cloudtrail")
    cloudtrail.create_trail(Name="bad-trail", S3BucketName="trail-logs")
    cloudtrail.start_logging(Name="bad-trail")
    logs = moto.client("logs")
    logs.create_log_group(logGroupName="bad-logs")
    logs.create_log_group(logGroupName="good-logs")
    logs.put_retention_policy(logGroupName="good-logs", retentionInDays=90)
    logs.put_metric_filter(
        logGroupName="good-logs",
        filterName="root-usage",
        filterPattern='{ $.userIdentity.type = "Root" }',
        metricTransformations=[
            {"metricName": "RootUsage", "metricNamespace": "CIS", "metricValue": "1"}
        ],
    )
    moto.client("cloudwatch").put_metric_alarm(
        AlarmName="root-usage",
        MetricName="RootUsage",
        Namespace="CIS",
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )
    moto.client("guardduty").create_detector(Enable=True)
    config = moto.client("config")
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        }
    )
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "trail-logs"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")

    # ------------------------------------------------------------------ data
    rds = moto.client("rds")
    for name, encrypted, public_db in (("bad-db", False, True), ("good-db", True, False)):
        rds.create_db_instance(
            DBInstanceIdentifier=name,
            DBInstanceClass="db.t3.micro",
            Engine="postgres",
            AllocatedStorage=20,
            MasterUsername="admin",
            MasterUserPassword="NotARealPassword1",
            StorageEncrypted=encrypted,
            PubliclyAccessible=public_db,
            BackupRetentionPeriod=7 if encrypted else 1,
        )
    rds.create_db_snapshot(DBSnapshotIdentifier="bad-db-snap", DBInstanceIdentifier="bad-db")
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="bad-db-snap", AttributeName="restore", ValuesToAdd=["all"]
    )
    dynamodb = moto.client("dynamodb")
    for name in ("bad-table", "good-table"):
        dynamodb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    dynamodb.update_continuous_backups(
        TableName="good-table",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )
    efs = moto.client("efs")
    efs.create_file_system(
        CreationToken="bad", Encrypted=False, Tags=[{"Key": "Name", "Value": "bad-fs"}]
    )
    efs.create_file_system(
        CreationToken="good", Encrypted=True, Tags=[{"Key": "Name", "Value": "good-fs"}]
    )
    moto.client("sqs").create_queue(QueueName="jobs", Attributes={"SqsManagedSseEnabled": "true"})
    moto.client("sns").create_topic(Name="alerts")
    secretsmanager = moto.client("secretsmanager")
    secretsmanager.create_secret(Name="bad-secret", SecretString="do-not-collect-me")
    moto.client("acm").request_certificate(DomainName="shop.example.com")

    # ------------------------------------------------------------------ serverless, containers
    role = iam.get_role(RoleName="web")["Role"]["Arn"]
    lam = moto.client("lambda")
    for name, env in (
        ("bad-fn", {"DB_PASSWORD": SECRET_PASSWORD, "LOG_LEVEL": "info"}),
        ("good-fn", {"DB_PASSWORD_ARN": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:db"}),
    ):
        lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role,
            Handler="index.handler",
            Code={"ZipFile": _zip()},
            Environment={"Variables": env},
        )
    ecs = moto.client("ecs")
    ecs.create_cluster(clusterName="apps")
    ecs.register_task_definition(
        family="api",
        taskRoleArn=role,
        containerDefinitions=[
            {
                "name": "api",
                "image": "nginx:1.27",
                "memory": 256,
                "environment": [{"name": "API_TOKEN", "value": "sk_live_4eC39HqLyjWDarjtT1zdp7dc"}],
            }
        ],
    )
    moto.client("ecr").create_repository(repositoryName="api")

    # ------------------------------------------------------------------ load balancing
    elbv2 = moto.client("elbv2")
    lb = elbv2.create_load_balancer(
        Name="bad-alb",
        Subnets=[public_id, private_id],
        SecurityGroups=[bad_sg["GroupId"]],
        Scheme="internet-facing",
    )["LoadBalancers"][0]
    group = elbv2.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc)
    group_arn = group["TargetGroups"][0]["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=group_arn, Targets=[{"Id": made["bad-web"]}])
    elbv2.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group_arn}],
    )
    made["alb"] = lb["LoadBalancerArn"]
    return made


# ---------------------------------------------------------------------- capacity
VCPU_QUOTA_LIMIT = 32.0  # the applied L-1216C47A value `vcpu_quota_answer` reports
VCPU_IN_USE = [28.0, 29.0, 30.0, 30.0, 31.0, 30.0, 30.0]  # AWS/Usage daily maxima, oldest first
BUSY_CPU = [80.0, 85.0, 90.0, 95.0, 88.0, 92.0, 86.0]
IDLE_CPU = [1.0, 2.0, 1.5, 1.0, 3.0, 2.0, 1.0]
DB_FREE_BYTES = [6.0e9, 5.5e9, 5.0e9, 4.8e9, 4.5e9, 4.2e9, 4.0e9]
VCPU_USAGE_DIMENSIONS = {
    "Service": "EC2",
    "Type": "Resource",
    "Resource": "vCPU",
    "Class": "Standard/OnDemand",
}


def put_daily(
    moto: Moto,
    namespace: str,
    metric: str,
    dimensions: dict[str, str],
    values: list[float],
    *,
    per_day: int = 1,
) -> None:
    """Put `values` as one value a day (noon UTC), the last one yesterday: `per_day` datapoints
    of value/per_day each, so a day's Sum is the value and its Average value/per_day."""
    from datetime import UTC, datetime, timedelta

    today = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    data = [
        {
            "MetricName": metric,
            "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
            "Timestamp": today - timedelta(days=len(values) - i, minutes=piece),
            "Value": value / per_day,
        }
        for i, value in enumerate(values)
        for piece in range(per_day)
    ]
    cloudwatch = moto.client("cloudwatch")
    for offset in range(0, len(data), 500):
        cloudwatch.put_metric_data(Namespace=namespace, MetricData=data[offset : offset + 500])


def vcpu_quota_answer(limit: float = VCPU_QUOTA_LIMIT) -> str:
    """A ListServiceQuotas answer (JSON, shaped like the botocore model) for ec2's applied
    vCPU quota L-1216C47A, which moto does not serve: inject it at the HTTP layer."""
    quota = {
        "ServiceCode": "ec2",
        "ServiceName": "Amazon Elastic Compute Cloud (Amazon EC2)",
        "QuotaArn": f"arn:aws:servicequotas:{REGION}:{ACCOUNT}:ec2/L-1216C47A",
        "QuotaCode": "L-1216C47A",
        "QuotaName": "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances",
        "Value": limit,
        "Unit": "None",
        "Adjustable": True,
        "GlobalQuota": False,
        "UsageMetric": {
            "MetricNamespace": "AWS/Usage",
            "MetricName": "ResourceCount",
            "MetricDimensions": VCPU_USAGE_DIMENSIONS,
            "MetricStatisticRecommendation": "Maximum",
        },
    }
    return json.dumps({"Quotas": [quota]})


def quota_handler(answers: dict[str, str]) -> tuple[str, Any]:
    """A botocore `before-send` handler answering ListServiceQuotas from `answers`
    (service code -> JSON body, e.g. `vcpu_quota_answer()`); other codes get no quotas.

    Pass it in CollectOptions.handlers: moto does not serve applied quotas.
    """

    def handler(request: Any, **_: Any) -> AWSResponse:
        code = json.loads(request.body or b"{}").get("ServiceCode", "")
        return json_answer(request.url, answers.get(code, '{"Quotas": []}'))

    return "before-send.service-quotas.ListServiceQuotas", handler


class _Body:
    """The raw body of an injected HTTP response."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Any:
        yield self.data


def json_answer(url: str, body: str) -> AWSResponse:
    """An HTTP 200 answer of a JSON-protocol service, for a `before-send` handler."""
    headers = {"content-type": "application/x-amz-json-1.1"}
    return AWSResponse(url, 200, headers, _Body(body.encode()))


def seed_capacity_estate(moto: Moto) -> dict[str, Any]:
    """Seed a small estate close to its limits; returns names, ids and the seeded figures.

    What it seeds (default account, us-east-1), with daily metrics for the last 7 days:
    - subnet `almost-full` (10.1.0.0/28: 11 usable addresses) holding 9 instances (82% used),
      and subnet `roomy` (10.1.1.0/24) with the two instances below;
    - instance `busy` (m5.large, 2 vCPUs, CPUUtilization BUSY_CPU) and `idle` (t3.micro,
      2 vCPUs, CPUUtilization IDLE_CPU);
    - RDS instance `tight-db` (100 GiB, no storage autoscaling, FreeStorageSpace
      DB_FREE_BYTES: about 4 GB left);
    - DynamoDB table `orders` (provisioned 100 RCU / 50 WCU);
    - the AWS/Usage vCPU count (VCPU_IN_USE) of the EC2 vCPU quota. moto serves no EC2
      quota, so the quota itself (limit VCPU_QUOTA_LIMIT) comes from `vcpu_quota_answer`,
      which a test injects as the ListServiceQuotas answer: 30 of 32 vCPUs used.
    Collect with metrics over 7 days (`--metrics --metrics-days 7`) to read it all.
    """
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    full = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.0.0/28")["Subnet"]["SubnetId"]
    roomy = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    ec2.create_tags(Resources=[full], Tags=[{"Key": "Name", "Value": "almost-full"}])
    ec2.create_tags(Resources=[roomy], Tags=[{"Key": "Name", "Value": "roomy"}])
    ec2.run_instances(
        ImageId="ami-12c6146b", MinCount=9, MaxCount=9, InstanceType="t3.nano", SubnetId=full
    )
    made: dict[str, Any] = {"vpc": vpc, "subnets": {"almost-full": full, "roomy": roomy}}
    for name, instance_type, cpu in (
        ("busy", "m5.large", BUSY_CPU),
        ("idle", "t3.micro", IDLE_CPU),
    ):
        instance = ec2.run_instances(
            ImageId="ami-12c6146b",
            MinCount=1,
            MaxCount=1,
            InstanceType=instance_type,
            SubnetId=roomy,
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}
            ],
        )["Instances"][0]["InstanceId"]
        made[name] = instance
        put_daily(moto, "AWS/EC2", "CPUUtilization", {"InstanceId": instance}, cpu)
    moto.client("rds").create_db_instance(
        DBInstanceIdentifier="tight-db",
        DBInstanceClass="db.m5.large",
        Engine="postgres",
        AllocatedStorage=100,
        MasterUsername="admin",
        MasterUserPassword=SECRET_PASSWORD,
    )
    put_daily(
        moto, "AWS/RDS", "FreeStorageSpace", {"DBInstanceIdentifier": "tight-db"}, DB_FREE_BYTES
    )
    moto.client("dynamodb").create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 100, "WriteCapacityUnits": 50},
    )
    put_daily(moto, "AWS/Usage", "ResourceCount", VCPU_USAGE_DIMENSIONS, VCPU_IN_USE)
    return made


# ---------------------------------------------------------------------- spend
MEMBER = "210987654321"
EC2_SERVICE = "Amazon Elastic Compute Cloud - Compute"
S3_SERVICE = "Amazon Simple Storage Service"
COST_TAG = "Product"
# One full month of the cost story, line by line: (service, account, region, product) ->
# (UnblendedCost, AmortizedCost) in USD; product "" is spend without the Product tag.
COST_LINES: dict[tuple[str, str, str, str], tuple[str, str]] = {
    (EC2_SERVICE, ACCOUNT, "us-east-1", "shop"): ("700.00", "715.00"),
    (EC2_SERVICE, ACCOUNT, "us-east-1", "search"): ("400.50", "405.50"),
    (EC2_SERVICE, ACCOUNT, "us-east-1", ""): ("100.00", "100.00"),
    (EC2_SERVICE, MEMBER, "eu-west-1", "shop"): ("200.00", "200.00"),
    (EC2_SERVICE, MEMBER, "eu-west-1", "search"): ("99.50", "99.50"),
    (EC2_SERVICE, MEMBER, "eu-west-1", ""): ("0.75", "0.75"),
    (S3_SERVICE, ACCOUNT, "us-east-1", ""): ("45.10", "45.10"),
    (S3_SERVICE, MEMBER, "eu-west-1", ""): ("4.15", "4.15"),
}
MONTH_TO_DATE_SHARE = Decimal("0.2")  # the month to date is this share of a full month
# GetCostForecast mean values: the rest of the month, then the next three months.
FORECAST = ("1240.00", "1600.00", "1650.00", "1700.00")
_CE_METRICS = ("UnblendedCost", "AmortizedCost")
_CE_PLACES = Decimal("0.0000000001")  # Cost Explorer writes amounts with 10 decimals


def _month_start(day: date, months_ahead: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + months_ahead
    return date(index // 12, index % 12 + 1, 1)


def cost_periods(today: date) -> list[tuple[date, date]]:
    """The monthly periods Cost Explorer answers for on `today`: 12 full months, then
    the month to date (none on the first of a month; End is exclusive)."""
    starts = [_month_start(today, n) for n in range(-12, 1)]
    periods = [(start, _month_start(start, 1)) for start in starts[:-1]]
    return periods + ([(starts[-1], today)] if today.day > 1 else [])


def _metrics(lines: list[tuple[str, str]], share: Decimal) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for index, name in enumerate(_CE_METRICS):
        amount = sum((Decimal(line[index]) * share for line in lines), Decimal(0))
        out[name] = {"Amount": str(amount.quantize(_CE_PLACES)), "Unit": "USD"}
    return out


def _grouped(
    periods: list[tuple[date, date]], key: Any, keep: Any = lambda _: True
) -> dict[str, Any]:
    """A GetCostAndUsage answer grouped by `key(line)` (a list of group keys)."""
    results = []
    for start, end in periods:
        share = Decimal(1) if end.day == 1 else MONTH_TO_DATE_SHARE
        groups: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        for line, amounts in COST_LINES.items():
            if keep(line):
                groups.setdefault(tuple(key(line)), []).append(amounts)
        results.append(
            {
                "TimePeriod": {"Start": start.isoformat(), "End": end.isoformat()},
                "Total": {},
                "Groups": [
                    {"Keys": list(keys), "Metrics": _metrics(lines, share)}
                    for keys, lines in groups.items()
                ],
                "Estimated": end.day != 1,
            }
        )
    return {"ResultsByTime": results, "DimensionValueAttributes": []}


def _totals(periods: list[tuple[date, date]]) -> dict[str, Any]:
    results = []
    for start, end in periods:
        share = Decimal(1) if end.day == 1 else MONTH_TO_DATE_SHARE
        results.append(
            {
                "TimePeriod": {"Start": start.isoformat(), "End": end.isoformat()},
                "Total": _metrics(list(COST_LINES.values()), share),
                "Groups": [],
                "Estimated": end.day != 1,
            }
        )
    return {"ResultsByTime": results, "DimensionValueAttributes": []}


def cost_answers(today: date) -> list[dict[str, Any]]:
    """The GetCostAndUsage answers of the cost story, in the order the collector asks:
    totals; (SERVICE, LINKED_ACCOUNT) in two pages (EC2, then S3); REGION; TAG:Product."""
    periods = cost_periods(today)
    first = _grouped(periods, lambda line: line[:2], lambda line: line[0] == EC2_SERVICE)
    first["NextPageToken"] = "page-2"
    second = _grouped(periods, lambda line: line[:2], lambda line: line[0] == S3_SERVICE)
    return [
        _totals(periods),
        first,
        second,
        _grouped(periods, lambda line: [line[2]]),
        _grouped(periods, lambda line: [f"{COST_TAG}${line[3]}"]),
    ]


def forecast_answer(today: date) -> str:
    """A GetCostForecast answer (JSON, shaped like the botocore model): FORECAST from
    today to the end of the month, then for each of the next three months."""
    starts = [today] + [_month_start(today, n) for n in range(1, 4)]
    ends = [_month_start(today, n) for n in range(1, 5)]
    total = sum((Decimal(v) for v in FORECAST), Decimal(0))
    return json.dumps(
        {
            "Total": {"Amount": str(total), "Unit": "USD"},
            "ForecastResultsByTime": [
                {
                    "TimePeriod": {"Start": s.isoformat(), "End": e.isoformat()},
                    "MeanValue": value,
                    "PredictionIntervalLowerBound": str(Decimal(value) * Decimal("0.9")),
                    "PredictionIntervalUpperBound": str(Decimal(value) * Decimal("1.1")),
                }
                for s, e, value in zip(starts, ends, FORECAST, strict=True)
            ],
        }
    )


def forecast_handler(answer: str) -> tuple[str, Any]:
    """A botocore `before-send` handler answering GetCostForecast with `answer` (moto does
    not serve it). Pass it in CollectOptions.handlers."""

    def handler(request: Any, **_: Any) -> AWSResponse:
        return json_answer(request.url, answer)

    return "before-send.cost-explorer.GetCostForecast", handler


def seed_cost_estate(moto: Moto, today: date | None = None) -> dict[str, Any]:
    """Queue the cost story's Cost Explorer answers in moto; returns its figures.

    The story (USD, every full month alike; `COST_LINES` line by line):

    | | UnblendedCost | AmortizedCost |
    |---|---|---|
    | month total | 1550.00 | 1570.00 |
    | EC2 in 123456789012 / 210987654321 | 1200.50 / 300.25 | 1220.50 / 300.25 |
    | S3 in 123456789012 / 210987654321 | 45.10 / 4.15 | 45.10 / 4.15 |
    | us-east-1 / eu-west-1 | 1245.60 / 304.40 | 1265.60 / 304.40 |
    | Product shop / search / untagged | 900.00 / 500.00 / 150.00 | 915.00 / 505.00 / 150.00 |

    The month to date (Cost Explorer's `Estimated` period, from the 1st to `today`) is a
    fifth of a full month (total 310.00 unblended); there is none on the 1st. The forecast
    (`forecast_answer`, injected with `forecast_handler`) is 1240.00 for the rest of the
    month, then 1600.00, 1650.00 and 1700.00. moto answers the GetCostAndUsage calls in
    the order queued, whatever they ask: collect once, with the Product tag.
    """
    day = today or datetime.now(UTC).date()
    answers = cost_answers(day)
    body = json.dumps({"results": answers, "account_id": ACCOUNT}).encode()
    request = urllib.request.Request(
        f"{moto.endpoint}/moto-api/static/ce/cost-and-usage-results",
        data=body,
        method="POST",
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
    return {
        "today": day,
        "months": [start.isoformat()[:7] for start, _ in cost_periods(day)],
        "answers": answers,
        "forecast": forecast_answer(day),
        "forecast_handler": forecast_handler(forecast_answer(day)),
    }
