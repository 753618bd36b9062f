"""Training runs: what to train, on which pinned inputs, producing which model."""
