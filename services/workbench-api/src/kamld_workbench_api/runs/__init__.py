"""Public training runs: inputs resolved to exact versions here, everything else in trainer."""
