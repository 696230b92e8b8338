"""Load balancers: listeners, TLS policies, attributes, targets and routes."""

from __future__ import annotations

from typing import Any

from scanner.collectors.aws.elbv2 import listener_summary

from .conftest import ACCOUNT, REGION, Moto, targets


def test_listener_summary() -> None:
    redirect = {
        "Port": 80,
        "Protocol": "HTTP",
        "DefaultActions": [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS"}}],
    }
    assert listener_summary(redirect) == {
        "port": 80,
        "protocol": "HTTP",
        "ssl_policy": None,
        "redirects_to_https": True,
    }


def test_collects_load_balancers(moto: Moto, collect: Any) -> None:
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.7.{i}.0/24", AvailabilityZone=f"{REGION}{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in ((1, "a"), (2, "b"))
    ]
    group = ec2.create_security_group(GroupName="lb", Description="lb", VpcId=vpc)["GroupId"]
    instance = ec2.run_instances(ImageId="ami-1", MinCount=1, MaxCount=1, SubnetId=subnets[0])[
        "Instances"
    ][0]["InstanceId"]
    elbv2 = moto.client("elbv2")
    lb = elbv2.create_load_balancer(
        Name="web",
        Subnets=subnets,
        SecurityGroups=[group],
        Scheme="internet-facing",
        Tags=[{"Key": "Team", "Value": "web"}],
    )["LoadBalancers"][0]
    target_group = elbv2.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc)[
        "TargetGroups"
    ][0]["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=target_group, Targets=[{"Id": instance}])
    elbv2.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {
                "Type": "redirect",
                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
            }
        ],
    )
    certificate = moto.client("acm").request_certificate(DomainName="web.example.com")
    elbv2.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTPS",
        Port=443,
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        Certificates=[{"CertificateArn": certificate["CertificateArn"]}],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": target_group}],
    )
    elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Attributes=[{"Key": "deletion_protection.enabled", "Value": "true"}],
    )
    snap = collect("--services", "elbv2", "--regions", REGION)
    assert snap.errors() == []
    web = snap.named("aws.elbv2.load_balancer", "web")
    attrs = web["attributes"]
    assert attrs["lb_type"] == "application" and attrs["scheme"] == "internet-facing"
    assert sorted(attrs["listeners"], key=lambda x: x["port"]) == [
        {"port": 80, "protocol": "HTTP", "ssl_policy": None, "redirects_to_https": True},
        {
            "port": 443,
            "protocol": "HTTPS",
            "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "redirects_to_https": False,
        },
    ]
    assert attrs["deletion_protection"] is True
    assert attrs["access_logs_enabled"] is None  # moto lists only the attributes that were set
    assert attrs["target_count"] == 1
    assert attrs["waf_web_acl_arn"] is None
    assert web["tags"] == {"Team": "web"}
    assert targets(web, "routes_to") == [f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{instance}"]
    assert targets(web, "protected_by") == [
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{group}"
    ]
