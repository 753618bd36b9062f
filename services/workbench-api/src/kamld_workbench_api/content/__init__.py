"""Content routes (uploads, chunks, manifests), forwarded to storage-gateway as streams both ways."""
