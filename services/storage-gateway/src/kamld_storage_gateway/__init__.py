"""KAML-D storage-gateway."""

__version__ = "0.1.0"
