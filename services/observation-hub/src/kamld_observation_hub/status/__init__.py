"""Platform status: every service probed, with key figures from its metrics."""
