"""Executing runs: environments, inputs, processes, and the worker that drives them."""
