"""Benchmark `pscan collect aws` against a seeded moto server: workers and API calls.

Usage: python bench/bench_aws_collect.py [--scale 1.1] [--workers 1,8] [--no-write]

Starts moto's server (`python -m moto.server`) in its own process on 127.0.0.1 and a
free port, seeds about 5,000 resources (scale 1.1) over two regions and the global
services through boto3, then collects the estate with each worker count and reports
wall time, resources per second and API calls per resource (every call is counted by the
read-only guard's `on_api_call` hook). Results are appended to bench/RESULTS.md under
"AWS collection" (and printed).

moto answers in milliseconds, so the figures show pscan's own cost and how well the
pool overlaps calls; against AWS, latency per call (tens of milliseconds) dominates and
more workers help more. Retries are off (`max_attempts=1`): moto has no IAM Access
Analyzer, and retrying its HTTP 500 with back-off would only measure the back-off.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REGIONS = ("us-east-1", "eu-west-1")
ACCOUNT = "123456789012"
# Per region (or, for the global ones, per account) at scale 1.0.
REGIONAL = {
    "instances": 300,
    "security_groups": 150,
    "vpcs": 10,
    "subnets": 40,
    "volumes": 200,
    "snapshots": 80,
    "queues": 150,
    "topics": 150,
    "tables": 80,
    "keys": 80,
    "log_groups": 200,
    "functions": 50,
    "secrets": 80,
}
GLOBAL = {"buckets": 200, "users": 250, "roles": 150, "policies": 100}


def _env() -> None:
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE="/nonexistent",
        AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
        MOTO_EC2_LOAD_DEFAULT_AMIS="false",
    )
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(key, None)
    logging.basicConfig(level=logging.ERROR)  # expected collection errors are in the table
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)


def _start_moto() -> tuple[subprocess.Popen[bytes], str]:
    """moto's server in a child process (so it does not share this process's GIL)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1):
                return server, endpoint
        except OSError:
            time.sleep(0.2)
    server.terminate()
    msg = f"moto server did not start on {endpoint}"
    raise RuntimeError(msg)


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(e, c):\n    return 1\n")
    return buffer.getvalue()


def _run_all(jobs: list[Callable[[], Any]], threads: int = 8) -> None:
    with ThreadPoolExecutor(threads) as pool:
        for future in [pool.submit(job) for job in jobs]:
            future.result()


def seed(endpoint: str, scale: float) -> None:
    """Seed the estate through boto3 (in parallel, one client per service and region)."""
    import boto3

    session = boto3.Session()

    def client(service: str, region: str = "us-east-1") -> Any:
        return session.client(service, region_name=region, endpoint_url=endpoint)

    def n(count: int) -> int:
        return max(1, int(count * scale))

    iam = client("iam")
    role = iam.create_role(RoleName="bench-fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    jobs: list[Callable[[], Any]] = []
    code = _zip()
    for region in REGIONS:
        ec2, sqs, sns = client("ec2", region), client("sqs", region), client("sns", region)
        dynamodb, kms, logs = (
            client("dynamodb", region),
            client("kms", region),
            client("logs", region),
        )
        lam, secrets = client("lambda", region), client("secretsmanager", region)
        vpcs = [ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"] for i in range(n(10))]
        subnets = [
            ec2.create_subnet(VpcId=vpcs[i % len(vpcs)], CidrBlock=f"10.{i % len(vpcs)}.{i}.0/24")[
                "Subnet"
            ]["SubnetId"]
            for i in range(n(REGIONAL["subnets"]))
        ]

        def group(i: int, ec2: Any = ec2, vpcs: list[str] = vpcs) -> None:
            gid = ec2.create_security_group(
                GroupName=f"sg-{i}", Description="bench", VpcId=vpcs[i % len(vpcs)]
            )["GroupId"]
            port = 22 if i % 10 == 0 else 443
            ec2.authorize_security_group_ingress(
                GroupId=gid,
                IpPermissions=[
                    {
                        "IpProtocol": "tcp",
                        "FromPort": port,
                        "ToPort": port,
                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                    }
                ],
            )

        jobs += [lambda i=i, g=group: g(i) for i in range(n(REGIONAL["security_groups"]))]
        for batch in range(0, n(REGIONAL["instances"]), 50):
            jobs.append(
                lambda ec2=ec2, subnets=subnets, batch=batch: ec2.run_instances(
                    ImageId="ami-bench",
                    MinCount=50,
                    MaxCount=50,
                    SubnetId=subnets[batch % len(subnets)],
                    UserData="#!/bin/bash\necho hello\n",
                )
            )

        def volume(i: int, ec2: Any = ec2, region: str = region) -> None:
            vid = ec2.create_volume(Size=8, AvailabilityZone=f"{region}a", Encrypted=i % 2 == 0)[
                "VolumeId"
            ]
            if i < n(REGIONAL["snapshots"]):
                ec2.create_snapshot(VolumeId=vid)

        jobs += [lambda i=i, v=volume: v(i) for i in range(n(REGIONAL["volumes"]))]
        jobs += [
            lambda i=i, sqs=sqs: sqs.create_queue(QueueName=f"q-{i}")
            for i in range(n(REGIONAL["queues"]))
        ]
        jobs += [
            lambda i=i, sns=sns: sns.create_topic(Name=f"t-{i}")
            for i in range(n(REGIONAL["topics"]))
        ]
        jobs += [
            lambda i=i, db=dynamodb: db.create_table(
                TableName=f"table-{i}",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            for i in range(n(REGIONAL["tables"]))
        ]
        jobs += [lambda kms=kms: kms.create_key() for _ in range(n(REGIONAL["keys"]))]
        jobs += [
            lambda i=i, logs=logs: logs.create_log_group(logGroupName=f"/bench/{i}")
            for i in range(n(REGIONAL["log_groups"]))
        ]
        jobs += [
            lambda i=i, lam=lam: lam.create_function(
                FunctionName=f"fn-{i}",
                Runtime="python3.12",
                Role=role,
                Handler="index.handler",
                Code={"ZipFile": code},
                Environment={"Variables": {"LOG_LEVEL": "info", "DB_PASSWORD": "Zx9kLm2pQ7rT"}},
            )
            for i in range(n(REGIONAL["functions"]))
        ]
        jobs += [
            lambda i=i, s=secrets: s.create_secret(Name=f"secret-{i}", SecretString="x")
            for i in range(n(REGIONAL["secrets"]))
        ]
    s3 = client("s3")
    jobs += [
        lambda i=i: s3.create_bucket(Bucket=f"bench-bucket-{i}")
        for i in range(n(GLOBAL["buckets"]))
    ]
    jobs += [lambda i=i: iam.create_user(UserName=f"user-{i}") for i in range(n(GLOBAL["users"]))]
    jobs += [
        lambda i=i: iam.create_role(RoleName=f"role-{i}", AssumeRolePolicyDocument="{}")
        for i in range(n(GLOBAL["roles"]))
    ]
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
        }
    )
    jobs += [
        lambda i=i: iam.create_policy(PolicyName=f"policy-{i}", PolicyDocument=document)
        for i in range(n(GLOBAL["policies"]))
    ]
    _run_all(jobs)


def collect(endpoint: str, workers: int, out: Path) -> dict[str, Any]:
    """Collect the seeded estate once; wall time, resources and API calls."""
    from scanner.app import AwsOptions, collect_aws

    calls: Counter[tuple[str, str]] = Counter()
    options = AwsOptions(
        endpoint_url=endpoint, regions=REGIONS, max_workers=workers, max_attempts=1
    )
    started = time.perf_counter()
    manifest = collect_aws(
        out,
        options,
        on_api_call=lambda service, operation: calls.update([(service, operation)]),
    )
    seconds = time.perf_counter() - started
    total = sum(calls.values())
    by_service: Counter[str] = Counter()
    for (service, _), count in calls.items():
        by_service[service] += count
    return {
        "workers": workers,
        "seconds": round(seconds, 2),
        "resources": manifest.resource_count,
        "api_calls": total,
        "calls_per_resource": round(total / max(manifest.resource_count, 1), 2),
        "resources_per_s": round(manifest.resource_count / seconds, 1),
        "errors": len(manifest.errors),
        "top_services": ", ".join(f"{s} {c}" for s, c in by_service.most_common(6)),
    }


def _table(rows: list[dict[str, Any]], command: str, seed_s: float) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"### Run of {now} ({platform.machine()}, {os.cpu_count()} CPUs,"
        f" Python {platform.python_version()})",
        "",
        f"Command: `{command}` (seeding took {seed_s:.0f} s)",
        "",
        "| workers | resources | seconds | resources/s | API calls | calls/resource"
        " | errors | calls by service (top 6) |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    lines += [
        f"| {r['workers']} | {r['resources']:,} | {r['seconds']} | {r['resources_per_s']}"
        f" | {r['api_calls']:,} | {r['calls_per_resource']} | {r['errors']} | {r['top_services']} |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Seed, collect with each worker count, print and record the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.1, help="1.1 is about 5,000 resources")
    parser.add_argument("--workers", default="1,8", help="comma-separated worker counts")
    parser.add_argument("--no-write", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args(argv)
    _env()
    server, endpoint = _start_moto()
    try:
        started = time.perf_counter()
        seed(endpoint, args.scale)
        seed_s = time.perf_counter() - started
        rows = []
        with tempfile.TemporaryDirectory() as tmp:
            for workers in (int(w) for w in args.workers.split(",")):
                rows.append(collect(endpoint, workers, Path(tmp) / f"snap-{workers}"))
                print(json.dumps(rows[-1]), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    command = (
        "python bench/bench_aws_collect.py"
        + (f" --scale {args.scale}" if args.scale != 1.1 else "")
        + (f" --workers {args.workers}" if args.workers != "1,8" else "")
    )
    table = _table(rows, command, seed_s)
    print(table)
    if not args.no_write:
        results = ROOT / "bench" / "RESULTS.md"
        text = results.read_text(encoding="utf-8")
        heading = "## AWS collection (`bench/bench_aws_collect.py`)"
        if heading not in text:
            text = text.rstrip("\n") + f"\n\n{heading}\n\n{_SUMMARY}\n"
        results.write_text(text.rstrip("\n") + "\n\n" + table, encoding="utf-8")
    return 0


_SUMMARY = """What `pscan collect aws` costs against moto's server (its own process, seeded with
about 5,000 resources over two regions plus S3 and IAM), with 1 and 8 workers, and how
many API calls it makes per resource (counted by the read-only guard). moto answers in
milliseconds and runs on the same two cores, so this measures pscan's own overhead and
how far the pool overlaps calls; against AWS, per-call latency (tens of milliseconds)
dominates and the worker pool matters more."""


if __name__ == "__main__":
    sys.exit(main())
