"""A serving process keeps to two glibc malloc arenas however many threads it runs, unless
MALLOC_ARENA_MAX says otherwise."""

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")

PROBE = """
import ctypes, sys, threading
from servers.malloc_arenas import limit_malloc_arenas
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


def _arenas(env: dict[str, str]) -> tuple[str, int]:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          check=True, env=env)
    return done.stdout.strip(), done.stderr.count("Arena ")


def test_threads_share_two_arenas():
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    assert _arenas(env) == ("True", 2)


def test_malloc_arena_max_set_by_the_operator_wins():
    env = {**os.environ, "MALLOC_ARENA_MAX": "8"}
    limited, arenas = _arenas(env)
    assert limited == "False" and arenas > 2
