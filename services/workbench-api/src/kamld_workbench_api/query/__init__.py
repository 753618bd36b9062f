"""``/query``: SQL over versions, run by storage-gateway next to the content."""
