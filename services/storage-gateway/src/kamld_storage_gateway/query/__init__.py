"""SQL over versions: table references resolved to exact versions, run read-only by a query engine."""
