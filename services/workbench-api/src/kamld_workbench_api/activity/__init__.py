"""The activity and audit feed, served from observation-hub."""
