"""Where collection errors leave a snapshot incomplete (scanner/audit/record.py `gap_of`)."""

from __future__ import annotations

import pytest

from scanner.audit.record import gap_of, in_gaps
from scanner.model import CollectionError

A, B = "111122223333", "444455556666"


def _error(provider: str, account: str, region: str, service: str, op: str = "") -> CollectionError:
    return CollectionError(
        provider=provider, account=account, region=region, service=service, operation=op,
        code="AccessDenied", message="denied",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("error", "place", "covered"),
    [
        # a regional service: its types, in that account and region only
        (_error("aws", A, "eu-west-1", "kms"), ("aws", A, "eu-west-1", "aws.kms.key"), True),
        (_error("aws", A, "eu-west-1", "kms"), ("aws", A, "us-east-1", "aws.kms.key"), False),
        (_error("aws", A, "eu-west-1", "kms"), ("aws", B, "eu-west-1", "aws.kms.key"), False),
        (_error("aws", A, "eu-west-1", "kms"), ("aws", A, "eu-west-1", "aws.ec2.volume"), False),
        (_error("aws", A, "eu-west-1", "region"), ("aws", A, "eu-west-1", "aws.region"), True),
        # a global service, recorded in `global`: its resources wherever they are
        (_error("aws", A, "global", "s3"), ("aws", A, "eu-west-1", "aws.s3.bucket"), True),
        # an account's role not assumed, a region not listed: everything there
        (_error("aws", A, "global", "sts"), ("aws", A, "eu-west-1", "aws.ec2.volume"), True),
        (
            _error("aws", A, "ap-south-2", "ec2", "DescribeRegions"),
            ("aws", A, "ap-south-2", "aws.lambda.function"),
            True,
        ),
        (
            _error("aws", A, "ap-south-2", "ec2", "DescribeRegions"),
            ("aws", A, "eu-west-1", "aws.lambda.function"),
            False,
        ),
        # GCP: a Cloud Asset listing of a project, of an organisation; a normalise error
        (
            _error("gcp", "projects/p1", "global", "cloudasset"),
            ("gcp", "p1", "europe-west1", "gcp.compute.instance"),
            True,
        ),
        (
            _error("gcp", "projects/p1", "global", "cloudasset"),
            ("gcp", "p2", "europe-west1", "gcp.compute.instance"),
            False,
        ),
        (
            _error("gcp", "organizations/42", "global", "cloudasset"),
            ("gcp", "p2", "europe-west1", "gcp.storage.bucket"),
            True,
        ),
        (
            _error("gcp", "p1", "global", "sqladmin.googleapis.com", "normalise"),
            ("gcp", "p1", "europe-west1", "gcp.sql.instance"),
            True,
        ),
        (
            _error("gcp", "p1", "global", "sqladmin.googleapis.com", "normalise"),
            ("gcp", "p1", "europe-west1", "gcp.storage.bucket"),
            False,
        ),
    ],
)
def test_a_collection_error_covers_its_scope_and_service(
    error: CollectionError, place: tuple[str, str, str, str], covered: bool
) -> None:
    assert in_gaps([gap_of(error)], *place) is covered
