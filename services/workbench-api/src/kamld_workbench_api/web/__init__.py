"""The Workbench web UI: the static assets built from ``frontend/workbench``, served at ``/``."""
