"""pscan: policy-as-code compliance scanner for cloud platforms."""

__version__ = "0.1.0"
__all__ = ["__version__"]
