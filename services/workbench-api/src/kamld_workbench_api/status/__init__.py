"""``GET /api/v1/status``: health, readiness and version of every service of the platform."""
