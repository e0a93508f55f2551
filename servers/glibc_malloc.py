"""glibc malloc settings for a serving process, made before its threads start.

- Fewer arenas. glibc gives each thread that contends for malloc an arena of its own (up to
  eight per core) and keeps what each arena has touched. A server runs many threads
  (LanceDB's runtime, SQLite workers, a thread pool): two arenas hold about 25 MiB less at
  idle, and no throughput change was measured. ``MALLOC_ARENA_MAX`` chooses otherwise.
- Large blocks mapped, and given back when freed. glibc maps blocks of 128 KiB and more on
  their own, but raises that threshold each time such a block is freed (up to 32 MiB), so
  after start-up's big passing buffers (models and indexes loaded, Arrow tables read) later
  large blocks come from the heap, whose freed middle the process keeps. A fixed threshold
  held about 35 MiB less at idle. ``MALLOC_MMAP_THRESHOLD_`` chooses otherwise.
"""

from __future__ import annotations

import ctypes
import os
import sys

M_MMAP_THRESHOLD = -3  # mallopt's parameter numbers, from glibc's malloc.h
M_ARENA_MAX = -8
ARENAS = 2
MMAP_THRESHOLD = 128 * 1024  # glibc's own starting value, kept


def _mallopt(parameter: int, value: int, variable: str) -> bool:
    if not sys.platform.startswith("linux") or os.environ.get(variable):
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # musl and others: no such knob
        return False
    return mallopt(parameter, value) == 1


def limit_malloc_arenas() -> bool:
    """Cap this process's arenas; False where that does not apply (not glibc, or
    ``MALLOC_ARENA_MAX`` already set)."""
    return _mallopt(M_ARENA_MAX, ARENAS, "MALLOC_ARENA_MAX")


def map_large_blocks() -> bool:
    """Keep blocks of 128 KiB and more in their own mappings, returned to the system when
    freed; False where that does not apply (not glibc, or ``MALLOC_MMAP_THRESHOLD_`` set)."""
    return _mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD, "MALLOC_MMAP_THRESHOLD_")
