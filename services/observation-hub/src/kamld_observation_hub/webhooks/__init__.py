"""Webhooks: admins subscribe a URL to events; deliveries are signed, retried, in order, logged."""
