"""GCP IAM builders: service accounts and their keys."""

from __future__ import annotations

from collections.abc import Sequence

from scanner.synthetic.common import ResourceDict, hex_digits, rel, ts
from scanner.synthetic.gcp_base import GcpBase, binding_relations

__all__ = ["GcpIam"]


class GcpIam(GcpBase):
    """Builders of service accounts (which carry no labels) and their keys."""

    def service_account(
        self,
        account_id: str,
        *,
        roles: Sequence[str],
        default_compute: bool = False,
        users: Sequence[str] = (),
        team: str = "data",
    ) -> ResourceDict:
        """A service account holding project `roles`; `users` may act as it."""
        if default_compute:
            email = f"{self.number}-compute@developer.gserviceaccount.com"
        else:
            email = f"{account_id}@{self.project}.iam.gserviceaccount.com"
        bindings = (
            [{"role": "roles/iam.serviceAccountUser", "members": list(users)}] if users else []
        )
        attrs = {
            "email": email,
            "disabled": False,
            "is_default_compute": default_compute,
            "project_roles": list(roles),
        }
        rid = f"//iam.googleapis.com/projects/{self.project}/serviceAccounts/{email}"
        return self.res(
            rid, "gcp.iam.service_account", email, attrs, binding_relations(bindings), tags={}
        )

    def service_account_key(
        self, sa: ResourceDict, *, user_managed: bool, age_days: int
    ) -> ResourceDict:
        """A key of service account `sa`, `age_days` old."""
        key_id = hex_digits(self.rng, 40)
        attrs = {
            "key_type": "USER_MANAGED" if user_managed else "SYSTEM_MANAGED",
            "valid_after": ts(age_days, self.rng.randrange(86400)),
            "disabled": False,
        }
        rid = f"{sa['id']}/keys/{key_id}"
        return self.res(
            rid, "gcp.iam.service_account_key", key_id, attrs, [rel("key_of", sa["id"])], tags={}
        )
