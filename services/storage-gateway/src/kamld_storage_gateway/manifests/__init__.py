"""Manifests: a version's sorted file list, stored as content-addressed pages under a Merkle root."""
