"""The GCP builder: one project, with every service's builder methods.

Each service's builders live in their own module; `Gcp` puts them together so estate code
writes `g.network(...)`, `g.bucket(...)` on one object that carries the project, its
number, environment and random stream.
"""

from __future__ import annotations

from scanner.synthetic.gcp_compute import GcpCompute
from scanner.synthetic.gcp_data import GcpData
from scanner.synthetic.gcp_iam import GcpIam
from scanner.synthetic.gcp_services import GcpServices

__all__ = ["Gcp"]


class Gcp(GcpCompute, GcpIam, GcpData, GcpServices):
    """Builds the resources of one GCP project (see `GcpBase`)."""
