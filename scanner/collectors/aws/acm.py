"""ACM certificates: domain, expiry, status, whether in use, key algorithm."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext
from scanner.collectors.aws.normalise import iso
from scanner.model import Resource

__all__ = ["collect", "fetch", "to_resources"]

# ListCertificates returns RSA_2048 certificates only unless every key type is asked for.
_KEY_TYPES = [
    "RSA_1024",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "EC_prime256v1",
    "EC_secp384r1",
    "EC_secp521r1",
]


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw certificate descriptions of the region."""
    acm = ctx.client("acm")
    listed = ctx.paginate(
        acm, "list_certificates", "CertificateSummaryList", Includes={"keyTypes": _KEY_TYPES}
    )
    certificates = []
    for summary in listed:
        described = ctx.attempt(acm.describe_certificate, CertificateArn=summary["CertificateArn"])
        certificates.append((described or {}).get("Certificate") or summary)
    return {"certificates": certificates}


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.acm.certificate per certificate."""
    out = []
    for cert in raw.get("certificates") or []:
        in_use = cert.get("InUseBy")
        if in_use is None and "InUse" in cert:
            used: bool | None = bool(cert["InUse"])
        else:
            used = None if in_use is None else bool(in_use)
        attributes = {
            "domain_name": cert.get("DomainName"),
            "not_after": iso(cert.get("NotAfter")),
            "status": cert.get("Status"),
            "in_use": used,
            "key_algorithm": cert.get("KeyAlgorithm"),
        }
        out.append(
            scope.resource(
                str(cert["CertificateArn"]),
                "aws.acm.certificate",
                str(cert.get("DomainName") or cert["CertificateArn"]),
                attributes,
                raw=cert,
            )
        )
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's ACM certificates."""
    return to_resources(fetch(ctx), ctx.scope)
