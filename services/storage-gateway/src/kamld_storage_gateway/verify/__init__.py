"""Consistency check: every chunk and manifest object the catalog's versions need is in the object store."""
