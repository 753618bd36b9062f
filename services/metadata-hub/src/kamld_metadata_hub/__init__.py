"""KAML-D metadata-hub."""

__version__ = "0.1.0"
