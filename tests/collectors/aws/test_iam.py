"""IAM: the credential report, authorization details, keys, trust relations."""

from __future__ import annotations

import json
from typing import Any

from scanner.collectors.aws.context import Scope
from scanner.collectors.aws.iam import parse_credential_report, report_time, to_resources

from .conftest import ACCOUNT, Moto, targets

REPORT = (
    "user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,"
    "access_key_1_active,access_key_1_last_used_date,access_key_2_active,"
    "access_key_2_last_used_date\n"
    f"<root_account>,arn:aws:iam::{ACCOUNT}:root,2020-01-01T00:00:00+00:00,not_supported,"
    "2024-03-01T10:00:00+00:00,true,false,N/A,false,N/A\n"
    f"alice,arn:aws:iam::{ACCOUNT}:user/alice,2021-01-01T00:00:00+00:00,true,no_information,"
    "false,true,2024-02-01T00:00:00+00:00,false,N/A\n"
)


INLINE = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}],
}


def test_parse_credential_report() -> None:
    rows = parse_credential_report(REPORT.encode())
    assert set(rows) == {"<root_account>", "alice"}
    assert rows["alice"]["password_enabled"] == "true"
    assert report_time(rows["alice"]["password_last_used"]) is None
    assert report_time(rows["<root_account>"]["password_last_used"]) == "2024-03-01T10:00:00Z"


def test_users_without_a_credential_report_fall_back_to_mfa_devices() -> None:
    raw: dict[str, Any] = {
        "UserDetailList": [
            {"UserName": "bob", "Arn": f"arn:aws:iam::{ACCOUNT}:user/bob", "GroupList": []}
        ],
        "credential_report": None,
        "mfa_devices": {"bob": [{"SerialNumber": "arn:aws:iam::1:mfa/bob"}]},
        "access_keys": {"bob": []},
    }
    [bob] = to_resources(raw, Scope(account=ACCOUNT, region="us-east-1", is_global=True))
    assert bob.attributes["mfa_enabled"] is True
    assert bob.attributes["password_enabled"] is None
    assert bob.region == "global"


def test_collects_users_groups_roles_policies_and_certificates(moto: Moto, collect: Any) -> None:
    iam = moto.client("iam")
    admin = iam.create_policy(
        PolicyName="admin",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
            }
        ),
    )["Policy"]["Arn"]
    iam.create_group(GroupName="ops", Path="/teams/")
    iam.attach_group_policy(GroupName="ops", PolicyArn=admin)
    iam.create_user(UserName="alice", Tags=[{"Key": "Team", "Value": "ops"}])
    iam.add_user_to_group(GroupName="ops", UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Initial-Passw0rd!")
    key = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    iam.put_user_policy(
        UserName="alice",
        PolicyName="inline",
        PolicyDocument=json.dumps(INLINE),
    )
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            },
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
                "Action": "sts:AssumeRole",
            },
        ],
    }
    iam.create_role(
        RoleName="app", AssumeRolePolicyDocument=json.dumps(trust), MaxSessionDuration=7200
    )
    iam.attach_role_policy(RoleName="app", PolicyArn=admin)
    iam.create_instance_profile(InstanceProfileName="app")
    iam.add_role_to_instance_profile(InstanceProfileName="app", RoleName="app")
    iam.upload_server_certificate(
        ServerCertificateName="old",
        CertificateBody="-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
        PrivateKey="-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
    )

    snap = collect("--services", "iam", "--regions", "us-east-1")
    assert snap.errors() == []
    alice = snap.named("aws.iam.user", "alice")
    assert alice["region"] == "global" and alice["tags"] == {"Team": "ops"}
    attrs = alice["attributes"]
    assert attrs["password_enabled"] is True and attrs["mfa_enabled"] is False
    assert [k["id"] for k in attrs["access_keys"]] == [key]
    assert attrs["access_keys"][0]["status"] == "Active"
    assert attrs["groups"] == ["ops"]
    assert attrs["inline_policies"] == [{"name": "inline", "document": INLINE}]
    assert targets(alice, "member_of") == [f"arn:aws:iam::{ACCOUNT}:group/teams/ops"]

    ops = snap.named("aws.iam.group", "ops")
    assert ops["attributes"]["member_count"] == 1
    assert targets(ops, "has_policy") == [admin]

    app = snap.named("aws.iam.role", "app")
    assert app["attributes"]["max_session_duration"] == 7200
    assert app["attributes"]["instance_profiles"] == [
        f"arn:aws:iam::{ACCOUNT}:instance-profile/app"
    ]
    assert targets(app, "trusts") == [
        "principal:aws:service:ec2.amazonaws.com",
        "principal:aws:account:210987654321",
    ]
    assert targets(app, "has_policy") == [admin]

    policy = snap.named("aws.iam.policy", "admin")
    assert policy["attributes"] == {
        "is_aws_managed": False,
        "document": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
        },
        "attachment_count": 2,
    }
    cert = snap.named("aws.iam.server_certificate", "old")
    assert cert["attributes"]["uploaded_at"]
    assert "PRIVATE KEY" not in json.dumps(snap.resources())
