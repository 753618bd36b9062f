"""The catalog as the public API shows it: artifacts, versions, files, aliases, diffs, lineage."""
