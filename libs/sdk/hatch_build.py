"""Bundle ``kamld_content`` into the kamld wheel, so that the SDK installs anywhere.

``kamld_content`` (digests, chunking, manifests) is shared with the services and lives in
``libs/content``, a package that is not published. A standard wheel or sdist of kamld carries a
copy of it; an editable install (the uv workspace) does not, and imports it from its own
editable install instead, so that edits to ``libs/content`` are never shadowed by a stale copy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PACKAGE = "kamld_content"


class BundleContentHook(BuildHookInterface):
    PLUGIN_NAME = "bundle-content"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        source = self._source()
        target = f"src/{PACKAGE}" if self.target_name == "sdist" else PACKAGE
        build_data["force_include"][str(source)] = target

    def _source(self) -> Path:
        """The workspace's ``libs/content`` copy, or the one an sdist carries."""
        root = Path(self.root)
        for candidate in (root.parent / "content" / "src" / PACKAGE, root / "src" / PACKAGE):
            if (candidate / "__init__.py").is_file():
                return candidate
        raise FileNotFoundError(f"{PACKAGE} is neither in ../content/src nor in src/ of {root}")
