"""A serving process keeps to two glibc malloc arenas however many threads it runs, and gives
large freed blocks back to the system, unless the operator's MALLOC_* variables say otherwise."""

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")

ARENAS = """
import ctypes, sys, threading
from servers.glibc_malloc import limit_malloc_arenas
print(limit_malloc_arenas(), flush=True)
together = threading.Barrier(8)  # all alive at once, so none reuses another's arena
def allocate():
    kept = [bytearray(64 * 1024) for _ in range(50)]  # past pymalloc: glibc's malloc
    together.wait()
threads = [threading.Thread(target=allocate) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
ctypes.CDLL("libc.so.6").malloc_stats()  # one "Arena N:" block per arena, on stderr
"""

LARGE_BLOCKS = """
from servers.glibc_malloc import map_large_blocks
def rss_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024
mapped = map_large_blocks()
first = bytearray(8 * 1024 * 1024); del first  # freeing a mapped block raises glibc's threshold
blocks, pins = [], []
for _ in range(100):
    blocks.append(bytearray(512 * 1024))
    pins.append(bytearray(4096))  # small blocks between them that outlive them
peak = rss_mib()
del blocks
print(mapped, peak - rss_mib())
"""


def _run(probe: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, env=env)


def _without(*names: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in names}


def _arenas(env: dict[str, str]) -> tuple[str, int]:
    done = _run(ARENAS, env)
    return done.stdout.strip(), done.stderr.count("Arena ")


def test_threads_share_two_arenas():
    assert _arenas(_without("MALLOC_ARENA_MAX")) == ("True", 2)


def test_malloc_arena_max_set_by_the_operator_wins():
    limited, arenas = _arenas({**os.environ, "MALLOC_ARENA_MAX": "8"})
    assert limited == "False" and arenas > 2


def _returned_mib(env: dict[str, str]) -> tuple[str, int]:
    mapped, returned = _run(LARGE_BLOCKS, env).stdout.split()
    return mapped, int(returned)


def test_large_blocks_freed_go_back_to_the_system():
    mapped, returned = _returned_mib(_without("MALLOC_MMAP_THRESHOLD_"))
    assert mapped == "True" and returned >= 40  # of the 50 MiB freed


def test_the_threshold_set_by_the_operator_wins():
    mapped, returned = _returned_mib({**os.environ, "MALLOC_MMAP_THRESHOLD_": "33554432"})
    assert mapped == "False" and returned < 10
