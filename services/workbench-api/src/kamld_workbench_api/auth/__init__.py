"""API tokens, roles and the ``require(role)`` dependency every public route uses."""
