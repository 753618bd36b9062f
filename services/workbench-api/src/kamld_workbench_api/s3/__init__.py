"""The S3-compatible, read-only endpoint: bucket = artifact, key = ``REF/PATH``."""
