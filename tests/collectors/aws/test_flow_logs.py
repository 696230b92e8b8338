"""VPC flow logs as resources (aws.ec2.flow_log), beside the VPC's `flow_logs_enabled`."""

from __future__ import annotations

from typing import Any

from scanner.collectors.aws.context import Scope
from scanner.collectors.aws.ec2_network import network_resources

from .conftest import ACCOUNT, REGION, Moto, targets


def test_flow_logs_become_resources(moto: Moto, collect: Any) -> None:
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    quiet = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=quiet, CidrBlock="10.5.1.0/24")["Subnet"]["SubnetId"]
    moto.client("s3").create_bucket(Bucket="flow-records")
    [to_s3] = ec2.create_flow_logs(
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType="REJECT",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::flow-records",
        LogFormat="${version} ${srcaddr} ${dstaddr} ${action}",
        MaxAggregationInterval=60,
    )["FlowLogIds"]
    [to_logs] = ec2.create_flow_logs(
        ResourceIds=[subnet],
        ResourceType="Subnet",
        TrafficType="ALL",
        LogGroupName="subnet-flows",
        DeliverLogsPermissionArn=f"arn:aws:iam::{ACCOUNT}:role/flow-logs",
    )["FlowLogIds"]
    snap = collect("--services", "ec2", "--regions", REGION)
    logs = {r["attributes"]["flow_log_id"]: r for r in snap.of_type("aws.ec2.flow_log")}
    s3 = logs[to_s3]
    assert s3["id"] == f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc-flow-log/{to_s3}"
    assert s3["attributes"]["resource_type"] == "VPC"
    assert s3["attributes"]["traffic_type"] == "REJECT"
    assert s3["attributes"]["destination_type"] == "s3"
    assert s3["attributes"]["destination"] == "arn:aws:s3:::flow-records"
    assert s3["attributes"]["log_format"] == "${version} ${srcaddr} ${dstaddr} ${action}"
    assert s3["attributes"]["max_aggregation_interval"] == 60
    assert targets(s3, "attached_to") == [f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{vpc}"]
    assert targets(s3, "logs_to") == ["arn:aws:s3:::flow-records"]
    cwl = logs[to_logs]
    assert cwl["attributes"]["resource_type"] == "Subnet"
    assert cwl["attributes"]["destination_type"] == "cloud-watch-logs"
    assert targets(cwl, "attached_to") == [f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{subnet}"]
    assert targets(cwl, "logs_to") == [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:subnet-flows"]
    # the VPC attribute rules already use stays: only a VPC-level flow log turns it on
    enabled = {
        r["attributes"]["cidr_block"]: r["attributes"]["flow_logs_enabled"]
        for r in snap.of_type("aws.ec2.vpc")
    }
    assert enabled["10.4.0.0/16"] is True
    assert enabled["10.5.0.0/16"] is False


def test_destinations_and_covered_resources() -> None:
    raw = {
        "flow_logs": [
            {
                "FlowLogId": "fl-1",
                "ResourceId": "eni-1",
                "LogDestinationType": "s3",
                "LogDestination": "arn:aws:s3:::records/eni/",
                "Tags": [{"Key": "Name", "Value": "eni-records"}],
            },
            {
                "FlowLogId": "fl-2",
                "ResourceId": "tgw-attach-1",
                "LogDestinationType": "cloud-watch-logs",
                "LogDestination": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:tgw:*",
            },
            {
                "FlowLogId": "fl-3",
                "ResourceId": "vpc-shared",
                "LogDestinationType": "kinesis-data-firehose",
                "LogDestination": f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/f",
            },
        ],
        "vpcs": [{"VpcId": "vpc-shared", "OwnerId": "210987654321"}],
    }
    scope = Scope(account=ACCOUNT, region=REGION)
    logs = {r.name: r for r in network_resources(raw, scope) if r.type == "aws.ec2.flow_log"}
    eni = logs["eni-records"]
    assert eni.attributes["resource_type"] == "NetworkInterface"
    assert eni.attributes["destination"] == "arn:aws:s3:::records"  # the bucket, not the prefix
    assert [r.target for r in eni.relations if r.type == "attached_to"] == [
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:network-interface/eni-1"
    ]
    tgw = logs["fl-2"]
    assert tgw.attributes["resource_type"] == "TransitGatewayAttachment"
    assert tgw.attributes["destination"] == f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:tgw"
    shared = logs["fl-3"]
    assert [r.target for r in shared.relations if r.type == "attached_to"] == [
        f"arn:aws:ec2:{REGION}:210987654321:vpc/vpc-shared"  # a VPC shared from its owner
    ]
