"""Webhooks, served from observation-hub to admins."""
