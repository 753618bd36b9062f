"""Garbage collection: remove objects no committed version and no open upload references."""
