"""Facts about clouds, read once and shared by collectors, the Terraform reader and the engine.

- `scanner.policy.iam`: AWS IAM policy documents (public? admin? who may assume?).
- `scanner.policy.network`: address ranges and exposure (is this CIDR the internet?).
- `scanner.policy.gcp`: GCP IAM members (is this member anyone?).
- `scanner.policy.capacity`: sizes and limits (memory of an RDS class, an engine's default
  connections, the vCPU quota of an EC2 family, one size down).

This package sits just above `scanner.model` in the layers: collectors and the engine
both import it, and it imports neither.
"""
