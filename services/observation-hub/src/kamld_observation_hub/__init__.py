"""KAML-D observation-hub."""

__version__ = "0.1.0"
