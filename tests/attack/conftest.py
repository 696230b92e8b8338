"""The moto server of the AWS collector tests, for the attack-path estate."""

from __future__ import annotations

from tests.collectors.aws.conftest import collect, moto, moto_endpoint

__all__ = ["collect", "moto", "moto_endpoint"]
