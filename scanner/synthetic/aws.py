"""The AWS builder: one account in one region, with every service's builder methods.

Each service's builders live in their own module; `Aws` puts them together so estate code
writes `a.vpc(...)`, `a.bucket(...)`, `a.role(...)` on one object that carries the
account, region, environment and random stream.
"""

from __future__ import annotations

from scanner.synthetic.aws_account import AwsAccount
from scanner.synthetic.aws_compute import AwsCompute
from scanner.synthetic.aws_iam import AwsIam
from scanner.synthetic.aws_network import AwsNetwork
from scanner.synthetic.aws_security import AwsSecurity
from scanner.synthetic.aws_storage import AwsStorage

__all__ = ["Aws"]


class Aws(AwsAccount, AwsIam, AwsNetwork, AwsCompute, AwsStorage, AwsSecurity):
    """Builds the resources of one AWS account in one region (see `AwsBase`)."""
