"""Limits the gateway enforces before work: body sizes, request rates, metadata shape."""
