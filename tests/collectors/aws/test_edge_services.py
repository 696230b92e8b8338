"""CloudFront, Route 53, WAFv2, API Gateway, EKS, Backup and Classic Load Balancers."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.collectors.aws.context import Scope
from scanner.collectors.aws.wafv2 import to_resources as waf_resources

from .conftest import ACCOUNT, REGION, Moto, targets


# moto's CloudFront model (defaults it fills in, fields it returns) has changed between
# moto/botocore releases; the lock (requirements/constraints.txt) keeps it stable.
@pytest.mark.library_output("moto", "botocore")
def test_cloudfront_distributions(moto: Moto, collect: Any) -> None:
    moto.client("s3").create_bucket(Bucket="site")
    cloudfront = moto.client("cloudfront")
    cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": "site",
            "Comment": "site",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "s3",
                        "DomainName": "site.s3.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "s3",
                "ViewerProtocolPolicy": "allow-all",
                "MinTTL": 0,
            },
        }
    )
    snap = collect("--services", "cloudfront", "--regions", REGION)
    assert snap.errors() == []
    site = snap.named("aws.cloudfront.distribution", "site")
    attrs = site["attributes"]
    assert site["region"] == "global"
    assert attrs["viewer_protocol_policy"] == "allow-all"
    assert attrs["origins"][0]["s3_bucket"] == "site"
    assert attrs["origins"][0]["s3_access"] == "public"
    assert attrs["logging_enabled"] is False
    assert targets(site, "routes_to") == ["arn:aws:s3:::site"]


def test_route53_zones(moto: Moto, collect: Any) -> None:
    route53 = moto.client("route53")
    route53.create_hosted_zone(Name="example.com", CallerReference="1")
    vpc = moto.client("ec2").create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    route53.create_hosted_zone(
        Name="internal.example.com",
        CallerReference="2",
        VPC={"VPCRegion": REGION, "VPCId": vpc},
        HostedZoneConfig={"PrivateZone": True},
    )
    snap = collect("--services", "route53", "--regions", REGION)
    public = snap.named("aws.route53.hosted_zone", "example.com")
    assert public["attributes"]["private"] is False
    assert public["attributes"]["query_logging_enabled"] is False
    private = snap.named("aws.route53.hosted_zone", "internal.example.com")["attributes"]
    assert private["private"] is True and private["dnssec_status"] is None


def test_wafv2_web_acls(moto: Moto, collect: Any) -> None:
    waf = moto.client("wafv2")
    acl = waf.create_web_acl(
        Name="edge",
        Scope="REGIONAL",
        DefaultAction={"Block": {}},
        VisibilityConfig={
            "SampledRequestsEnabled": False,
            "CloudWatchMetricsEnabled": False,
            "MetricName": "edge",
        },
        Rules=[],
    )["Summary"]
    snap = collect("--services", "wafv2", "--regions", REGION)
    edge = snap.named("aws.wafv2.web_acl", "edge")
    assert edge["id"] == acl["ARN"]
    assert edge["attributes"]["default_action"] == "block"
    assert edge["attributes"]["scope"] == "REGIONAL"
    # moto cannot list the resources of a web ACL: recorded, the ACL is still collected
    assert [(e["service"], e["operation"]) for e in snap.errors()] == [
        ("wafv2", "ListResourcesForWebACL")
    ]
    assert edge["attributes"]["associated_resources"] is None


def test_wafv2_normaliser_on_real_responses() -> None:
    """Shaped like botocore's wafv2 model: GetWebACL, GetLoggingConfiguration, ListResources."""
    arn = f"arn:aws:wafv2:{REGION}:{ACCOUNT}:regional/webacl/edge/1111"
    lb = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/web/2222"
    raw = {
        "web_acls": [
            {
                "summary": {"Name": "edge", "Id": "1111", "ARN": arn, "LockToken": "t"},
                "scope": "REGIONAL",
                "web_acl": {
                    "Name": "edge",
                    "Id": "1111",
                    "ARN": arn,
                    "DefaultAction": {"Allow": {}},
                    "Rules": [
                        {
                            "Name": "common",
                            "Priority": 0,
                            "Statement": {
                                "ManagedRuleGroupStatement": {
                                    "VendorName": "AWS",
                                    "Name": "AWSManagedRulesCommonRuleSet",
                                }
                            },
                            "OverrideAction": {"None": {}},
                            "VisibilityConfig": {
                                "SampledRequestsEnabled": True,
                                "CloudWatchMetricsEnabled": True,
                                "MetricName": "common",
                            },
                        }
                    ],
                },
                "logging": {
                    "ResourceArn": arn,
                    "LogDestinationConfigs": ["arn:aws:firehose:x"],
                },
                "resource_arns": [lb],
            }
        ]
    }
    [acl] = waf_resources(raw, Scope(account=ACCOUNT, region=REGION))
    assert acl.attributes == {
        "scope": "REGIONAL",
        "default_action": "allow",
        "rule_count": 1,
        "managed_rule_groups": ["AWS:AWSManagedRulesCommonRuleSet"],
        "logging_enabled": True,
        "associated_resources": [lb],
    }


def test_apigateway_rest_apis(moto: Moto, collect: Any) -> None:
    api = moto.client("apigateway")
    rest = api.create_rest_api(name="orders", endpointConfiguration={"types": ["REGIONAL"]})
    resource = api.get_resources(restApiId=rest["id"])["items"][0]["id"]
    api.put_method(
        restApiId=rest["id"], resourceId=resource, httpMethod="GET", authorizationType="NONE"
    )
    api.put_integration(restApiId=rest["id"], resourceId=resource, httpMethod="GET", type="MOCK")
    api.create_deployment(restApiId=rest["id"], stageName="prod")
    snap = collect("--services", "apigateway", "--regions", REGION)
    assert snap.errors() == []
    orders = snap.named("aws.apigateway.rest_api", "orders")
    assert orders["id"] == f"arn:aws:apigateway:{REGION}::/restapis/{rest['id']}"
    attrs = orders["attributes"]
    assert attrs["endpoint_types"] == ["REGIONAL"] and attrs["is_private"] is False
    assert [s["name"] for s in attrs["stages"]] == ["prod"]


def test_eks_clusters(moto: Moto, collect: Any) -> None:
    role = moto.client("iam").create_role(RoleName="eks", AssumeRolePolicyDocument="{}")["Role"][
        "Arn"
    ]
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.4.1.0/24")["Subnet"]["SubnetId"]
    moto.client("eks").create_cluster(
        name="platform",
        roleArn=role,
        resourcesVpcConfig={"subnetIds": [subnet], "endpointPublicAccess": True},
    )
    snap = collect("--services", "eks", "--regions", REGION)
    assert snap.errors() == []
    cluster = snap.named("aws.eks.cluster", "platform")
    assert cluster["attributes"]["secrets_encrypted"] is False
    assert targets(cluster, "runs_as") == [role]
    assert targets(cluster, "in_subnet") == [f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{subnet}"]


def test_backup_vaults_and_plans(moto: Moto, collect: Any) -> None:
    backup = moto.client("backup")
    backup.create_backup_vault(BackupVaultName="main")
    backup.create_backup_plan(
        BackupPlan={
            "BackupPlanName": "daily",
            "Rules": [
                {
                    "RuleName": "daily",
                    "TargetBackupVaultName": "main",
                    "ScheduleExpression": "cron(0 5 * * ? *)",
                    "Lifecycle": {"DeleteAfterDays": 35},
                }
            ],
        }
    )
    snap = collect("--services", "backup", "--regions", REGION)
    assert snap.errors() == []
    assert snap.named("aws.backup.vault", "main")["attributes"]["locked"] is False
    plan = snap.named("aws.backup.plan", "daily")["attributes"]
    assert plan["rules"] == [
        {
            "name": "daily",
            "schedule": "cron(0 5 * * ? *)",
            "target_vault": "main",
            "delete_after_days": 35,
        }
    ]


def test_classic_load_balancers(moto: Moto, collect: Any) -> None:
    ec2 = moto.client("ec2")
    instance = ec2.run_instances(ImageId="ami-1", MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]
    elb = moto.client("elb")
    elb.create_load_balancer(
        LoadBalancerName="legacy",
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}],
        AvailabilityZones=[f"{REGION}a"],
    )
    elb.register_instances_with_load_balancer(
        LoadBalancerName="legacy", Instances=[{"InstanceId": instance}]
    )
    snap = collect("--services", "elb", "--regions", REGION)
    assert snap.errors() == []
    legacy = snap.named("aws.elb.load_balancer", "legacy")
    assert legacy["attributes"]["listeners"][0]["port"] == 80
    assert legacy["attributes"]["instance_count"] == 1
    assert targets(legacy, "routes_to") == [f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{instance}"]
