"""GCP data builders: Cloud Storage buckets, Cloud SQL, BigQuery, KMS keys, secrets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scanner.policy.gcp import has_public_member
from scanner.synthetic.common import ResourceDict, rel, ts
from scanner.synthetic.gcp_base import GcpBase, binding_relations, kms_name

__all__ = ["GcpData"]


class GcpData(GcpBase):
    """Builders of where data lives and of the keys and secrets that guard it."""

    def bucket(
        self,
        name: str,
        location: str,
        *,
        bindings: list[dict[str, Any]],
        uniform_access: bool = True,
        prevention: str | None = "enforced",
        versioning: bool = True,
        retention_days: int | None = None,
        log_bucket: str | None = None,
        key: ResourceDict | None = None,
        team: str = "data",
    ) -> ResourceDict:
        """A bucket with IAM `bindings`; public when a binding names allUsers or the like."""
        attrs = {
            "location": location.upper(),
            "uniform_bucket_level_access": uniform_access,
            "public_access_prevention": prevention,
            "versioning_enabled": versioning,
            "retention_period_days": retention_days,
            "logging_bucket": log_bucket,
            "kms_key_name": kms_name(key) if key is not None else None,
            "iam_bindings": bindings,
            "is_public": has_public_member(bindings),
        }
        rels = binding_relations(bindings)
        if key is not None:
            rels.append(rel("encrypted_by", key["id"]))
        rid = f"//storage.googleapis.com/{name}"
        return self.res(
            rid, "gcp.storage.bucket", name, attrs, rels, region=location.lower(), team=team
        )

    def sql_instance(
        self,
        name: str,
        region: str,
        network: ResourceDict,
        *,
        public_ip: bool = False,
        authorized: Sequence[str] = (),
        ssl_mode: str = "ENCRYPTED_ONLY",
        backups: bool = True,
        regional: bool = True,
        tier: str = "db-custom-4-16384",
        version: str = "POSTGRES_15",
        team: str = "data",
    ) -> ResourceDict:
        """A Cloud SQL instance on `network`; `authorized` ranges reach its public IP."""
        attrs = {
            "database_version": version,
            "public_ip_enabled": public_ip,
            "authorized_networks": list(authorized),
            "ssl_mode": ssl_mode,
            "backup_enabled": backups,
            "pitr_enabled": backups,
            "availability_type": "REGIONAL" if regional else "ZONAL",
            "database_flags": {
                "log_connections": "on",
                "log_disconnections": "on",
                "log_min_duration_statement": "-1",
            },
            "deletion_protection": regional,
            "tier": tier,
        }
        rid = f"//cloudsql.googleapis.com/projects/{self.project}/instances/{name}"
        rels = [rel("in_network", network["id"])]
        return self.res(rid, "gcp.sql.instance", name, attrs, rels, region=region, team=team)

    def dataset(
        self, name: str, location: str, *, key: ResourceDict | None, public: bool = False
    ) -> ResourceDict:
        """A BigQuery dataset, encrypted with `key` when given."""
        attrs = {"kms_key_name": kms_name(key) if key is not None else None, "is_public": public}
        rid = f"//bigquery.googleapis.com/projects/{self.project}/datasets/{name}"
        return self.res(rid, "gcp.bigquery.dataset", name, attrs, [], region=location.lower())

    def crypto_key(
        self,
        ring: str,
        name: str,
        location: str,
        *,
        rotation_days: int | None,
        purpose: str = "ENCRYPT_DECRYPT",
    ) -> ResourceDict:
        """A Cloud KMS key in key ring `ring`; `rotation_days=None` means no rotation."""
        attrs = {"purpose": purpose, "rotation_period_days": rotation_days, "is_public": False}
        ring_id = f"projects/{self.project}/locations/{location}/keyRings/{ring}"
        rid = f"//cloudkms.googleapis.com/{ring_id}/cryptoKeys/{name}"
        return self.res(
            rid, "gcp.kms.crypto_key", name, attrs, [], region=location, team="security"
        )

    def secret(
        self, name: str, *, rotation_days: int | None, created_days: int = 300
    ) -> ResourceDict:
        """A Secret Manager secret; `rotation_days=None` means no rotation schedule."""
        attrs = {
            "rotation_period_days": rotation_days,
            "created_at": ts(created_days, self.rng.randrange(86400)),
        }
        rid = f"//secretmanager.googleapis.com/projects/{self.number}/secrets/{name}"
        return self.res(rid, "gcp.secretmanager.secret", name, attrs, [])
