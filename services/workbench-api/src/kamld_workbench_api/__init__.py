"""KAML-D workbench-api."""

__version__ = "0.1.0"
