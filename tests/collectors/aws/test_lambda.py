"""Lambda functions: env secrets (masked, values never kept), URL, policy, runtime, network."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from scanner.collectors.aws.awslambda import env_secrets

from .conftest import ACCOUNT, REGION, Moto, targets


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(e, c):\n    return 1\n")
    return buffer.getvalue()


def test_env_secrets_skip_references_and_mask() -> None:
    found = env_secrets(
        {
            "DB_PASSWORD": "Zx9kLm2pQ7rTw",
            "DB_PASSWORD_ARN": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:db",
            "API_KEY": "{{resolve:secretsmanager:api}}",
            "STRIPE": "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "LOG_LEVEL": "debug",
            "EMPTY": "",
        }
    )
    assert found == [
        {"location": "env:DB_PASSWORD", "kind": "Secret Keyword", "masked": "Zx**********"},
        {"location": "env:STRIPE", "kind": "Stripe Access Key", "masked": "sk**********"},
    ]


def test_collects_functions(moto: Moto, collect: Any) -> None:
    iam = moto.client("iam")
    role = iam.create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.6.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.6.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="fn", Description="fn", VpcId=vpc)["GroupId"]
    lam = moto.client("lambda")
    lam.create_function(
        FunctionName="api",
        Runtime="python3.8",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": _zip()},
        Environment={"Variables": {"DB_PASSWORD": "Zx9kLm2pQ7rTw", "TABLE": "orders"}},
        VpcConfig={"SubnetIds": [subnet], "SecurityGroupIds": [group]},
        Tags={"Team": "web"},
    )
    lam.create_function_url_config(FunctionName="api", AuthType="NONE")
    lam.add_permission(
        FunctionName="api",
        StatementId="public",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        FunctionUrlAuthType="NONE",
    )
    lam.create_function(
        FunctionName="worker",
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": _zip()},
    )
    snap = collect("--services", "lambda", "--regions", REGION)
    assert snap.errors() == []
    api = snap.named("aws.lambda.function", "api")
    attrs = api["attributes"]
    assert attrs["runtime"] == "python3.8" and attrs["runtime_deprecated"] is True
    assert attrs["environment_keys"] == ["DB_PASSWORD", "TABLE"]
    assert attrs["secrets"] == [
        {"location": "env:DB_PASSWORD", "kind": "Secret Keyword", "masked": "Zx**********"}
    ]
    assert attrs["function_url_auth_type"] == "NONE"
    assert attrs["in_vpc"] is True
    assert api["tags"] == {"Team": "web"}
    assert targets(api, "runs_as") == [role]
    assert targets(api, "in_subnet") == [f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{subnet}"]
    assert targets(api, "protected_by") == [
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{group}"
    ]
    text = json.dumps(api)
    assert "Zx9kLm2pQ7rTw" not in text and "orders" not in text
    worker = snap.named("aws.lambda.function", "worker")["attributes"]
    assert worker["secrets"] == [] and worker["runtime_deprecated"] is False
    assert worker["function_url_auth_type"] is None and worker["is_public_by_policy"] is False
