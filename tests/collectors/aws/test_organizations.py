"""Organizations: the organization, OUs, member accounts and service control policies."""

from __future__ import annotations

import json
from typing import Any

from .conftest import ACCOUNT, Moto, targets

DENY_LEAVE = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}],
}


def test_collects_the_organization(moto: Moto, collect: Any) -> None:
    org = moto.client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    workloads = org.create_organizational_unit(ParentId=root, Name="workloads")[
        "OrganizationalUnit"
    ]
    prod = org.create_organizational_unit(ParentId=workloads["Id"], Name="prod")[
        "OrganizationalUnit"
    ]
    member = org.create_account(Email="prod@example.com", AccountName="prod")[
        "CreateAccountStatus"
    ]["AccountId"]
    org.move_account(AccountId=member, SourceParentId=root, DestinationParentId=prod["Id"])
    policy = org.create_policy(
        Content=json.dumps(DENY_LEAVE),
        Description="no leaving",
        Name="deny-leave",
        Type="SERVICE_CONTROL_POLICY",
    )["Policy"]["PolicySummary"]
    org.attach_policy(PolicyId=policy["Id"], TargetId=workloads["Id"])

    snap = collect("--services", "organizations", "--regions", "us-east-1")
    assert snap.errors() == []
    [organization] = snap.of_type("aws.organizations.organization")
    assert organization["attributes"]["master_account_id"] == ACCOUNT
    assert "SERVICE_CONTROL_POLICY" in organization["attributes"]["enabled_policy_types"]
    units = {u["name"]: u for u in snap.of_type("aws.organizations.ou")}
    assert targets(units["prod"], "member_of") == [workloads["Arn"]]
    attached = targets(units["workloads"], "has_policy")
    assert policy["Arn"] in attached
    assert any(a.endswith("/p-FullAWSAccess") for a in attached)  # AWS attaches it everywhere
    accounts = {a["attributes"]["account_id"]: a for a in snap.of_type("aws.organizations.account")}
    assert set(accounts) == {ACCOUNT, member}
    assert targets(accounts[member], "member_of") == [prod["Arn"]]
    assert accounts[member]["attributes"]["email"] == "prod@example.com"
    scp = snap.named("aws.organizations.policy", "deny-leave")["attributes"]
    assert scp["document"] == DENY_LEAVE and scp["target_ids"] == [workloads["Id"]]
    full = snap.named("aws.organizations.policy", "FullAWSAccess")["attributes"]
    assert full["is_aws_managed"] is True


def test_member_accounts_collect_nothing(moto: Moto, collect: Any) -> None:
    snap = collect("--services", "organizations", "--regions", "us-east-1")
    assert snap.resources() == [] and snap.errors() == []
