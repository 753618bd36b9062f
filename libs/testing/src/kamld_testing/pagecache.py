"""How much of a file the page cache holds: the check that writes and reads really went around it."""

from __future__ import annotations

import ctypes
import mmap
import os

PAGE = mmap.PAGESIZE


def resident_pages(path: str | os.PathLike[str]) -> int:
    """How many of the file's pages are in the page cache (``mincore`` over a mapping of it).

    The mapping is private and never touched, so asking does not bring any page in.
    """
    size = os.path.getsize(path)
    if size == 0:
        return 0
    libc = ctypes.CDLL(None, use_errno=True)
    with (
        open(path, "rb") as stream,
        mmap.mmap(
            stream.fileno(), size, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ | mmap.PROT_WRITE
        ) as mapped,
    ):
        pages = (size + PAGE - 1) // PAGE
        vector = (ctypes.c_ubyte * pages)()
        # The ctypes view is dropped at once: the mapping cannot close while one is alive.
        address = ctypes.addressof(ctypes.c_char.from_buffer(mapped))
        if libc.mincore(ctypes.c_void_p(address), ctypes.c_size_t(size), vector) != 0:
            raise OSError(ctypes.get_errno(), "mincore failed")
        return sum(byte & 1 for byte in vector)
