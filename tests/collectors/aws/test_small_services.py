"""ACM, Auto Scaling, EFS, SQS, SNS, CloudWatch Logs and alarms, ECR, ECS."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .conftest import ACCOUNT, REGION, Moto, targets
from .test_collect import inject, library_collect, resources
from .test_servicequotas import shaped


def test_acm_certificates(moto: Moto, collect: Any) -> None:
    moto.client("acm").request_certificate(DomainName="shop.example.com")
    snap = collect("--services", "acm", "--regions", REGION)
    [cert] = snap.of_type("aws.acm.certificate")
    assert cert["name"] == "shop.example.com"
    assert cert["attributes"]["domain_name"] == "shop.example.com"
    assert cert["attributes"]["in_use"] is False
    assert cert["attributes"]["key_algorithm"] == "RSA_2048"


def test_autoscaling_groups(moto: Moto, collect: Any) -> None:
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.8.{i}.0/24", AvailabilityZone=f"{REGION}{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in ((1, "a"), (2, "b"))
    ]
    autoscaling = moto.client("autoscaling")
    autoscaling.create_launch_configuration(
        LaunchConfigurationName="web", ImageId="ami-1", InstanceType="t3.micro"
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="web",
        LaunchConfigurationName="web",
        MinSize=1,
        MaxSize=3,
        DesiredCapacity=2,
        VPCZoneIdentifier=",".join(subnets),
    )
    snap = collect("--services", "autoscaling", "--regions", REGION)
    group = snap.named("aws.autoscaling.group", "web")
    attrs = group["attributes"]
    assert attrs["availability_zones"] == [f"{REGION}a", f"{REGION}b"]
    assert (attrs["min_size"], attrs["max_size"], attrs["desired_capacity"]) == (1, 3, 2)
    assert attrs["instance_count"] == 2
    assert sorted(targets(group, "in_subnet")) == sorted(
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{s}" for s in subnets
    )
    assert len(targets(group, "routes_to")) == 2


def test_efs_file_systems(moto: Moto, collect: Any) -> None:
    efs = moto.client("efs")
    efs.create_file_system(
        CreationToken="a", Encrypted=True, Tags=[{"Key": "Name", "Value": "home"}]
    )
    snap = collect("--services", "efs", "--regions", REGION)
    home = snap.named("aws.efs.file_system", "home")
    assert home["attributes"]["encrypted"] is True
    assert home["attributes"]["backup_policy_enabled"] is False  # no backup policy
    assert home["id"].startswith(f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/fs-")


def test_sqs_and_sns(moto: Moto, collect: Any) -> None:
    sqs = moto.client("sqs")
    public_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}
        ],
    }
    sqs.create_queue(QueueName="open", Attributes={"Policy": json.dumps(public_policy)})
    sqs.create_queue(
        QueueName="sealed", Attributes={"KmsMasterKeyId": "alias/aws/sqs"}, tags={"Team": "ops"}
    )
    sns = moto.client("sns")
    sns.create_topic(Name="alerts", Attributes={"KmsMasterKeyId": "alias/aws/sns"})
    snap = collect("--services", "sqs,sns", "--regions", REGION)
    assert snap.errors() == []
    assert snap.named("aws.sqs.queue", "open")["attributes"]["is_public_by_policy"] is True
    sealed = snap.named("aws.sqs.queue", "sealed")
    assert sealed["attributes"]["kms_key_id"] == "alias/aws/sqs"
    assert sealed["tags"] == {"Team": "ops"}
    assert sealed["id"] == f"arn:aws:sqs:{REGION}:{ACCOUNT}:sealed"
    alerts = snap.named("aws.sns.topic", "alerts")["attributes"]
    assert alerts == {"kms_key_id": "alias/aws/sns", "is_public_by_policy": False}


def test_logs_metric_filters_and_alarms(moto: Moto, collect: Any) -> None:
    logs = moto.client("logs")
    logs.create_log_group(logGroupName="trail")
    logs.put_retention_policy(logGroupName="trail", retentionInDays=365)
    logs.put_metric_filter(
        logGroupName="trail",
        filterName="console-without-mfa",
        filterPattern='{ $.additionalEventData.MFAUsed != "Yes" }',
        metricTransformations=[
            {"metricName": "NoMfa", "metricNamespace": "CIS", "metricValue": "1"}
        ],
    )
    topic = moto.client("sns").create_topic(Name="security")["TopicArn"]
    moto.client("cloudwatch").put_metric_alarm(
        AlarmName="no-mfa",
        MetricName="NoMfa",
        Namespace="CIS",
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        AlarmActions=[topic],
    )
    snap = collect("--services", "logs,cloudwatch", "--regions", REGION)
    assert snap.errors() == []
    trail = snap.named("aws.logs.log_group", "trail")
    assert trail["id"] == f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:trail"
    assert trail["attributes"]["retention_days"] == 365
    assert trail["attributes"]["metric_filters"] == [
        {
            "name": "console-without-mfa",
            "pattern": '{ $.additionalEventData.MFAUsed != "Yes" }',
            "metrics": [{"name": "NoMfa", "namespace": "CIS"}],
        }
    ]
    alarm = snap.named("aws.cloudwatch.alarm", "no-mfa")["attributes"]
    assert alarm["metric_name"] == "NoMfa" and alarm["alarm_actions"] == [topic]


def test_ecr_repositories(moto: Moto, collect: Any) -> None:
    ecr = moto.client("ecr")
    ecr.create_repository(
        repositoryName="api",
        imageScanningConfiguration={"scanOnPush": True},
        imageTagMutability="IMMUTABLE",
    )
    ecr.set_repository_policy(
        repositoryName="api",
        policyText=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "all",
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "ecr:BatchGetImage",
                    }
                ],
            }
        ),
    )
    snap = collect("--services", "ecr", "--regions", REGION)
    api = snap.named("aws.ecr.repository", "api")["attributes"]
    assert api["scan_on_push"] is True and api["tag_mutability"] == "IMMUTABLE"
    assert api["is_public_by_policy"] is True and api["has_lifecycle_policy"] is False


def test_ecs_clusters_services_and_task_definitions(moto: Moto, collect: Any) -> None:
    role = moto.client("iam").create_role(RoleName="task", AssumeRolePolicyDocument="{}")["Role"][
        "Arn"
    ]
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="api", Description="api", VpcId=vpc)["GroupId"]
    ecs = moto.client("ecs")
    cluster = ecs.create_cluster(
        clusterName="apps", settings=[{"name": "containerInsights", "value": "enabled"}]
    )["cluster"]["clusterArn"]
    definition = ecs.register_task_definition(
        family="api",
        taskRoleArn=role,
        networkMode="awsvpc",
        containerDefinitions=[
            {
                "name": "api",
                "image": "nginx:1.27",
                "memory": 256,
                "privileged": True,
                "environment": [
                    {"name": "DB_PASSWORD", "value": "Zx9kLm2pQ7rTw"},
                    {"name": "PORT", "value": "8080"},
                ],
                "secrets": [{"name": "TOKEN", "valueFrom": "arn:aws:ssm:us-east-1:1:parameter/t"}],
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(
        cluster="apps",
        serviceName="api",
        taskDefinition=definition,
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": [subnet],
                "securityGroups": [group],
                "assignPublicIp": "ENABLED",
            }
        },
    )
    snap = collect("--services", "ecs", "--regions", REGION)
    assert snap.errors() == []
    apps = snap.named("aws.ecs.cluster", "apps")
    assert apps["id"] == cluster and apps["attributes"]["container_insights"] is True
    service = snap.named("aws.ecs.service", "api")
    assert service["attributes"]["assign_public_ip"] is True
    assert service["attributes"]["launch_type"] == "FARGATE"
    assert targets(service, "member_of") == [cluster]
    assert targets(service, "in_subnet") == [f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{subnet}"]
    assert targets(service, "protected_by") == [
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{group}"
    ]
    task = snap.named("aws.ecs.task_definition", "api:1")
    assert task["attributes"]["containers"] == [
        {
            "name": "api",
            "image": "nginx:1.27",
            "privileged": True,
            "readonly_root_filesystem": False,
            "user": None,
        }
    ]
    assert task["attributes"]["secrets"] == [
        {
            "location": "container:api:env:DB_PASSWORD",
            "kind": "Secret Keyword",
            "masked": "Zx**********",
        }
    ]
    assert targets(task, "runs_as") == [role]
    text = json.dumps(task)
    assert "Zx9kLm2pQ7rTw" not in text and "8080" not in text


def test_efs_backup_policy_normalised() -> None:
    # moto cannot set a backup policy: the normaliser is checked on the botocore shape
    from scanner.collectors.aws import efs
    from scanner.collectors.aws.context import Scope

    scope = Scope(account=ACCOUNT, region=REGION)
    raw = {
        "file_systems": [
            {
                "FileSystemId": "fs-1",
                "Name": "on",
                "Encrypted": True,
                "backup_policy": {"Status": "ENABLED"},
            },
            {
                "FileSystemId": "fs-2",
                "Name": "off",
                "Encrypted": True,
                "backup_policy": {"Status": "DISABLED"},
            },
            {"FileSystemId": "fs-3", "Name": "unknown", "Encrypted": True},
        ]
    }
    got = {r.name: r.attributes["backup_policy_enabled"] for r in efs.to_resources(raw, scope)}
    assert got == {"on": True, "off": False, "unknown": None}


def test_efs_backup_policy_through_the_api(moto: Moto, tmp_path: Path) -> None:
    """moto has no PutBackupPolicy: DescribeBackupPolicy is answered at the HTTP layer."""
    efs = moto.client("efs")
    for name in ("on", "paused"):
        efs.create_file_system(CreationToken=name, Tags=[{"Key": "Name", "Value": name}])
    statuses = iter(("ENABLED", "DISABLING"))
    answers: dict[str, str] = {}

    def policy(request: Any, **kwargs: Any) -> Any:
        file_system = request.url.rsplit("/", 2)[-2]
        status = answers.setdefault(file_system, next(statuses))
        body = {"BackupPolicy": {"Status": status}}
        shaped("efs", "DescribeBackupPolicy", body)
        return inject(200, json.dumps(body), content_type="application/json")[0](request)

    manifest, out = library_collect(
        moto,
        tmp_path,
        services=("efs",),
        handlers=(("before-send.efs.DescribeBackupPolicy", policy),),
    )
    assert manifest.errors == []
    got = {
        r["name"]: r["attributes"]["backup_policy_enabled"]
        for r in resources(out)
        if r["type"] == "aws.efs.file_system"
    }
    assert sorted(got.values()) == [False, True]  # ENABLED is on, DISABLING is off
    assert len(answers) == 2
