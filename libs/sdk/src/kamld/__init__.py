"""KAML-D client: ``kamld.Client`` and ``kamld.open``."""

__version__ = "0.1.0"
