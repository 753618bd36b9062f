"""What a version's images are, from their headers alone: Pillow opens an image lazily and reads
its format and size from the first bytes, which are all that is fetched."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from PIL import Image, UnidentifiedImageError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff")
HEAD_BYTES = 64 << 10
MAX_HEAD_BYTES = 1 << 20

Image.MAX_IMAGE_PIXELS = None  # only headers are read; no pixels are decoded


def is_image(path: str) -> bool:
    return path.lower().endswith(IMAGE_SUFFIXES)


def image_header(read: Any, size: int) -> tuple[str, int, int] | None:
    """(format, width, height) from the file's first bytes (more when the header is longer), or None."""
    wanted = min(size, HEAD_BYTES)
    while True:
        head = read(0, wanted)
        try:
            with Image.open(io.BytesIO(head)) as image:
                return str(image.format or "unknown").lower(), int(image.width), int(image.height)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            if wanted >= min(size, MAX_HEAD_BYTES):
                return None
            wanted = min(size, wanted * 4, MAX_HEAD_BYTES)


def _spread(values: list[int]) -> dict[str, Any]:
    ordered = sorted(values)
    return {
        "min": ordered[0],
        "max": ordered[-1],
        "mean": sum(ordered) / len(ordered),
        "median": ordered[len(ordered) // 2],
    }


def summarize_images(headers: list[tuple[str, int, int] | None], total: int) -> dict[str, Any]:
    """Counts by format and the spread of widths and heights of the images read."""
    good = [h for h in headers if h is not None]
    summary: dict[str, Any] = {
        "images": total,
        "examined": len(headers),
        "unreadable": len(headers) - len(good),
        "formats": dict(Counter(fmt for fmt, _, _ in good).most_common()),
    }
    if good:
        summary["width"] = _spread([w for _, w, _ in good])
        summary["height"] = _spread([h for _, _, h in good])
        summary["sizes"] = [
            {"width": w, "height": h, "count": n}
            for (w, h), n in Counter((w, h) for _, w, h in good).most_common(10)
        ]
    return summary
