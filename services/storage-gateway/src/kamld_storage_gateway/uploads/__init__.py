"""Upload sessions: ask what is missing, send chunks (or whole files), commit a manifest."""
