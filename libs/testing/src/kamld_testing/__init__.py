"""Test support for KAML-D: real servers started and stopped by tests."""

from kamld_testing.seaweedfs import S3Endpoint, SeaweedFSUnavailable, find_weed, run_seaweedfs

__all__ = ["S3Endpoint", "SeaweedFSUnavailable", "find_weed", "run_seaweedfs"]
