"""AWS compute builders: instances, volumes, snapshots, images, Auto Scaling, Lambda, ECS."""

from __future__ import annotations

from collections.abc import Sequence

from scanner.synthetic.aws_base import AwsBase
from scanner.synthetic.common import ResourceDict, fake_uuid, host, rel, ts

__all__ = ["AwsCompute"]


class AwsCompute(AwsBase):
    """Builders of what runs code: EC2, its disks and images, Auto Scaling, Lambda, ECS."""

    def instance(
        self,
        name: str,
        subnet: ResourceDict,
        groups: Sequence[ResourceDict],
        *,
        role: ResourceDict | None,
        instance_type: str = "m6i.large",
        image_id: str = "ami-0c1f3a8058fde8814",
        public_ip: bool = False,
        imds_tokens: str = "required",
        secrets: Sequence[dict[str, str]] = (),
        root_encrypted: bool = True,
        state: str = "running",
        launch_days: int = 40,
        monitoring: str = "enabled",
        team: str = "platform",
    ) -> ResourceDict:
        """An EC2 instance in `subnet`, protected by `groups`, running as `role`."""
        rng = self.rng
        sattrs = subnet["attributes"]
        attrs = {
            "instance_type": instance_type,
            "state": state,
            "launch_time": ts(launch_days, rng.randrange(86400)),
            "image_id": image_id,
            "public_ip": self.public_ip() if public_ip else None,
            "private_ip": host(rng, sattrs["cidr_block"]),
            "availability_zone": sattrs["availability_zone"],
            "imds": {"http_tokens": imds_tokens, "http_endpoint": "enabled"},
            "iam_instance_profile": None
            if role is None
            else f"arn:aws:iam::{self.account}:instance-profile/{role['name']}",
            "monitoring": monitoring,
            "secrets": list(secrets),
            "root_volume_encrypted": root_encrypted,
        }
        rels = [rel("in_subnet", subnet["id"]), rel("in_vpc", subnet["relations"][0]["target"])]
        rels += [rel("protected_by", g["id"]) for g in groups]
        if role is not None:
            rels.append(rel("runs_as", role["id"]))
        rid = self.arn("ec2", f"instance/{self.short('i')}")
        return self.res(rid, "aws.ec2.instance", name, attrs, rels, team=team)

    def volume(
        self,
        name: str,
        size_gb: int,
        *,
        volume_type: str = "gp3",
        instance: ResourceDict | None = None,
        key: ResourceDict | None = None,
        encrypted: bool = True,
        created_days: int = 40,
        team: str = "platform",
    ) -> ResourceDict:
        """An EBS volume, attached to `instance` or (None) unattached."""
        attrs = {
            "volume_type": volume_type,
            "size_gb": size_gb,
            "state": "in-use" if instance is not None else "available",
            "encrypted": encrypted,
            "kms_key_id": key["id"] if encrypted and key is not None else None,
            "created_at": ts(created_days, self.rng.randrange(86400)),
        }
        rels = [rel("attached_to", instance["id"])] if instance is not None else []
        if encrypted and key is not None:
            rels.append(rel("encrypted_by", key["id"]))
        rid = self.arn("ec2", f"volume/{self.short('vol')}")
        return self.res(rid, "aws.ec2.volume", name, attrs, rels, team=team)

    def snapshot(
        self,
        name: str,
        size_gb: int,
        *,
        created_days: int,
        encrypted: bool = True,
        team: str = "platform",
    ) -> ResourceDict:
        """An EBS snapshot."""
        attrs = {
            "volume_size_gb": size_gb,
            "encrypted": encrypted,
            "is_public": False,
            "created_at": ts(created_days, self.rng.randrange(86400)),
        }
        rid = self.arn("ec2", f"snapshot/{self.short('snap')}")
        return self.res(rid, "aws.ec2.snapshot", name, attrs, [], team=team)

    def image(self, name: str, created_days: int, team: str = "platform") -> ResourceDict:
        """A private AMI."""
        attrs = {"is_public": False, "created_at": ts(created_days, self.rng.randrange(86400))}
        return self.res(
            self.arn("ec2", f"image/{self.short('ami')}"),
            "aws.ec2.image",
            name,
            attrs,
            [],
            team=team,
        )

    def autoscaling_group(
        self,
        name: str,
        subnets: Sequence[ResourceDict],
        sizes: tuple[int, int, int],
        *,
        health_check: str = "ELB",
        team: str = "platform",
    ) -> ResourceDict:
        """An Auto Scaling group over `subnets`; `sizes` is (min, max, desired)."""
        attrs = {
            "availability_zones": sorted({s["attributes"]["availability_zone"] for s in subnets}),
            "min_size": sizes[0],
            "max_size": sizes[1],
            "desired_capacity": sizes[2],
            "health_check_type": health_check,
        }
        rels = [rel("in_subnet", s["id"]) for s in subnets]
        rid = self.arn(
            "autoscaling", f"autoScalingGroup:{fake_uuid(self.rng)}:autoScalingGroupName/{name}"
        )
        return self.res(rid, "aws.autoscaling.group", name, attrs, rels, team=team)

    def lambda_function(
        self,
        name: str,
        role: ResourceDict,
        *,
        runtime: str | None = "python3.12",
        memory_mb: int = 256,
        timeout_s: int = 30,
        env_keys: Sequence[str] = (),
        secrets: Sequence[dict[str, str]] = (),
        url_auth: str | None = None,
        public: bool = False,
        tracing: str = "Active",
        subnets: Sequence[ResourceDict] = (),
        modified_days: int = 20,
        team: str = "platform",
    ) -> ResourceDict:
        """A Lambda function running as `role` (in a VPC when `subnets` are given)."""
        attrs = {
            "runtime": runtime,
            "memory_mb": memory_mb,
            "timeout_s": timeout_s,
            "environment_keys": list(env_keys),
            "secrets": list(secrets),
            "function_url_auth_type": url_auth,
            "is_public_by_policy": public,
            "tracing_mode": tracing,
            "in_vpc": bool(subnets),
            "last_modified": ts(modified_days, self.rng.randrange(86400)),
        }
        rels = [rel("runs_as", role["id"])] + [rel("in_subnet", s["id"]) for s in subnets]
        return self.res(
            self.arn("lambda", f"function:{name}"),
            "aws.lambda.function",
            name,
            attrs,
            rels,
            team=team,
        )

    def task_definition(
        self,
        family: str,
        revision: int,
        role: ResourceDict,
        images: Sequence[str],
        *,
        privileged: bool = False,
        secrets: Sequence[dict[str, str]] = (),
        team: str = "platform",
    ) -> ResourceDict:
        """An ECS task definition: one container per image, running as `role`."""
        containers = [
            {
                "name": image.rsplit("/", 1)[-1].split(":", 1)[0],
                "image": image,
                "privileged": privileged,
                "readonly_root_filesystem": not privileged,
                "user": None if privileged else "1000",
            }
            for image in images
        ]
        attrs = {"network_mode": "awsvpc", "containers": containers, "secrets": list(secrets)}
        rid = self.arn("ecs", f"task-definition/{family}:{revision}")
        rels = [rel("runs_as", role["id"])]
        return self.res(
            rid, "aws.ecs.task_definition", f"{family}:{revision}", attrs, rels, team=team
        )
