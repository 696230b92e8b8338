"""AWS network builders: VPCs, subnets, gateways, addresses, security groups, load balancers.

A security group carries an `allows_from -> internet` relation for every ingress entry
whose source is the whole internet (`scanner.policy.network.cidr_is_internet`), and an
`allows_from -> <group>` relation for every entry whose source is another group.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scanner.policy.network import cidr_is_internet
from scanner.synthetic.aws_base import AwsBase
from scanner.synthetic.common import INTERNET, ResourceDict, fake_uuid, hex_digits, rel, tail

__all__ = ["ALL_EGRESS", "SELF", "TLS_POLICY", "AwsNetwork", "cidr_rule", "group_rule"]

SELF = "self"
"""The `source` of an ingress entry that admits the group itself."""
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


def cidr_rule(
    protocol: str, from_port: int | None, to_port: int | None, cidr: str, description: str = ""
) -> dict[str, Any]:
    """A security-group entry whose source is an address range (IPv4 or IPv6)."""
    return {
        "protocol": protocol,
        "from_port": from_port,
        "to_port": to_port,
        "source": cidr,
        "source_type": "cidr6" if ":" in cidr else "cidr4",
        "description": description,
    }


def group_rule(
    protocol: str,
    from_port: int | None,
    to_port: int | None,
    group: ResourceDict | str,
    d: str = "",
) -> dict[str, Any]:
    """An ingress entry whose source is a security group (or `SELF` for the group itself)."""
    source = group if isinstance(group, str) else group["attributes"]["group_id"]
    return {
        "protocol": protocol,
        "from_port": from_port,
        "to_port": to_port,
        "source": source,
        "source_type": "group",
        "description": d,
    }


ALL_EGRESS = (cidr_rule("-1", None, None, "0.0.0.0/0"),)
"""AWS's default egress: everything to everywhere."""


class AwsNetwork(AwsBase):
    """Builders of the network: VPC plumbing, security groups and load balancers."""

    def vpc(
        self, name: str, cidr: str, *, flow_logs: bool = True, default: bool = False
    ) -> ResourceDict:
        """A VPC."""
        attrs = {"cidr_block": cidr, "is_default": default, "flow_logs_enabled": flow_logs}
        return self.res(self.arn("ec2", f"vpc/{self.short('vpc')}"), "aws.ec2.vpc", name, attrs, [])

    def subnet(
        self,
        vpc: ResourceDict,
        name: str,
        cidr: str,
        az: str,
        *,
        public: bool,
        map_public: bool = False,
    ) -> ResourceDict:
        """A subnet; `public` means its route table sends 0.0.0.0/0 to an internet gateway."""
        attrs = {
            "cidr_block": cidr,
            "availability_zone": az,
            "map_public_ip_on_launch": map_public,
            "has_internet_route": public,
        }
        rid = self.arn("ec2", f"subnet/{self.short('subnet')}")
        return self.res(rid, "aws.ec2.subnet", name, attrs, [rel("in_vpc", vpc["id"])])

    def subnets(
        self, vpc: ResourceDict, prefix: str, base: str, zones: str, *, map_public: bool = False
    ) -> tuple[list[ResourceDict], list[ResourceDict]]:
        """A public (/24) and a private (/20) subnet per zone of VPC `base`.0.0/16.

        Named `<prefix>-public-<zone>` and `<prefix>-private-<zone>`; all public ones first.
        """
        public = [
            self.subnet(
                vpc,
                f"{prefix}-public-{z}",
                f"{base}.{i}.0/24",
                f"{self.region}{z}",
                public=True,
                map_public=map_public,
            )
            for i, z in enumerate(zones)
        ]
        private = [
            self.subnet(
                vpc,
                f"{prefix}-private-{z}",
                f"{base}.{16 * (i + 1)}.0/20",
                f"{self.region}{z}",
                public=False,
            )
            for i, z in enumerate(zones)
        ]
        return public, private

    def internet_gateway(self, vpc: ResourceDict, name: str) -> ResourceDict:
        """An internet gateway attached to `vpc`."""
        attrs = {"attached_vpc_ids": [tail(vpc["id"])]}
        rid = self.arn("ec2", f"internet-gateway/{self.short('igw')}")
        return self.res(rid, "aws.ec2.internet_gateway", name, attrs, [rel("in_vpc", vpc["id"])])

    def network_acl(self, vpc: ResourceDict, name: str) -> ResourceDict:
        """The VPC's default network ACL (allow all, both ways)."""
        entries = [
            {
                "rule_number": number,
                "egress": egress,
                "action": action,
                "protocol": "-1",
                "from_port": None,
                "to_port": None,
                "cidr": "0.0.0.0/0",
            }
            for egress in (False, True)
            for number, action in ((100, "allow"), (32767, "deny"))
        ]
        attrs = {"is_default": True, "entries": entries}
        rid = self.arn("ec2", f"network-acl/{self.short('acl')}")
        return self.res(rid, "aws.ec2.network_acl", name, attrs, [rel("in_vpc", vpc["id"])])

    def nat_gateway(
        self, vpc: ResourceDict, subnet: ResourceDict, name: str, gb_out: float
    ) -> ResourceDict:
        """A NAT gateway in `subnet` that sent `gb_out` GB in 30 days."""
        attrs = {"state": "available", "bytes_out_30d": int(gb_out * 1e9)}
        rels = [rel("in_subnet", subnet["id"]), rel("in_vpc", vpc["id"])]
        rid = self.arn("ec2", f"natgateway/{self.short('nat')}")
        return self.res(rid, "aws.ec2.nat_gateway", name, attrs, rels)

    def eip(
        self, name: str, *, instance: ResourceDict | None = None, associated: bool = False
    ) -> ResourceDict:
        """An Elastic IP; `associated` without `instance` means attached to a NAT gateway."""
        if instance is not None and instance["attributes"]["public_ip"]:
            address = instance["attributes"]["public_ip"]
        else:
            address = self.public_ip()
        in_use = associated or instance is not None
        attrs = {"public_ip": address, "association_id": self.short("eipassoc") if in_use else None}
        rels = [rel("attached_to", instance["id"])] if instance is not None else []
        rid = self.arn("ec2", f"elastic-ip/{self.short('eipalloc')}")
        return self.res(rid, "aws.ec2.eip", name, attrs, rels)

    def security_group(
        self,
        vpc: ResourceDict,
        name: str,
        description: str,
        ingress: Sequence[dict[str, Any]],
        *,
        default: bool = False,
        egress: Sequence[dict[str, Any]] = ALL_EGRESS,
        attachments: int = 1,
        team: str = "platform",
    ) -> ResourceDict:
        """A security group with `ingress` entries (`cidr_rule`, `group_rule`)."""
        gid = self.short("sg")
        rid = self.arn("ec2", f"security-group/{gid}")
        entries = [dict(e, source=gid) if e["source"] == SELF else e for e in ingress]
        rels = [rel("in_vpc", vpc["id"])]
        for e in entries:
            ports = {
                "protocol": e["protocol"],
                "from_port": e["from_port"],
                "to_port": e["to_port"],
            }
            if e["source_type"] == "group":
                rels.append(
                    rel("allows_from", self.arn("ec2", f"security-group/{e['source']}"), ports)
                )
            elif cidr_is_internet(e["source"]):
                rels.append(rel("allows_from", INTERNET, ports))
        attrs = {
            "group_id": gid,
            "is_default": default,
            "description": description,
            "ingress": entries,
            "egress": list(egress),
            "attachment_count": attachments,
        }
        return self.res(rid, "aws.ec2.security_group", name, attrs, rels, team=team)

    def default_security_group(self, vpc: ResourceDict, *, attachments: int = 0) -> ResourceDict:
        """The VPC's default security group, emptied and unused (the CIS state).

        With `attachments` > 0 it keeps the rules AWS creates it with (members admit each
        other, all egress allowed) and is in use by that many interfaces.
        """
        if attachments:
            return self.security_group(
                vpc,
                "default",
                "default VPC security group",
                [group_rule("-1", None, None, SELF)],
                default=True,
                attachments=attachments,
            )
        return self.security_group(
            vpc, "default", "default VPC security group", [], default=True, egress=(), attachments=0
        )

    def load_balancer(
        self,
        name: str,
        vpc: ResourceDict,
        groups: Sequence[ResourceDict],
        targets: Sequence[ResourceDict],
        *,
        internet_facing: bool = True,
        https: bool = True,
        waf: bool = True,
        access_logs: bool = True,
        drop_invalid_headers: bool = True,
        deletion_protection: bool = True,
        team: str = "platform",
    ) -> ResourceDict:
        """An application load balancer routing to `targets`; `https=False`: plain HTTP only."""
        rng = self.rng
        if https:
            listeners = [
                {
                    "port": 443,
                    "protocol": "HTTPS",
                    "ssl_policy": TLS_POLICY,
                    "redirects_to_https": False,
                },
                {"port": 80, "protocol": "HTTP", "ssl_policy": None, "redirects_to_https": True},
            ]
        else:
            listeners = [
                {"port": 80, "protocol": "HTTP", "ssl_policy": None, "redirects_to_https": False}
            ]
        prefix = "" if internet_facing else "internal-"
        waf_arn = self.arn("wafv2", f"regional/webacl/{name}-waf/{fake_uuid(rng)}") if waf else None
        attrs = {
            "lb_type": "application",
            "scheme": "internet-facing" if internet_facing else "internal",
            "dns_name": f"{prefix}{name}-{rng.randrange(10**9, 10**10)}"
            f".{self.region}.elb.amazonaws.com",
            "listeners": listeners,
            "waf_web_acl_arn": waf_arn,
            "deletion_protection": deletion_protection,
            "access_logs_enabled": access_logs,
            "drop_invalid_header_fields": drop_invalid_headers,
            "target_count": len(targets),
        }
        rels = [rel("protected_by", g["id"]) for g in groups] + [rel("in_vpc", vpc["id"])]
        rels += [rel("routes_to", t["id"]) for t in targets]
        rid = self.arn("elasticloadbalancing", f"loadbalancer/app/{name}/{hex_digits(rng, 16)}")
        return self.res(rid, "aws.elbv2.load_balancer", name, attrs, rels, team=team)
