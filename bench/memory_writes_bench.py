"""Long-term memory under a stream of single writes: ``python -m bench.memory_writes_bench``.

Every resolved request remembers one thing, so the store sees many one-row commits. Each
leaves a small LanceDB fragment; the table's upkeep (index refresh and compaction every
``UPKEEP_EVERY_WRITES`` writes) folds them in. Measured here: ``remember`` and ``recall`` p50
after N single writes, with upkeep on, beside the same store with upkeep off (the baseline,
in the same run).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from embeddings.wordllama_embedder import WordLlamaEmbedder
from memory.long_term import long_term_in
from memory.vector_store import UPKEEP_EVERY_WRITES, MemoryTable


async def run(writes: int, upkeep_every: int, work: Path, embedder) -> tuple[float, float]:
    memory = long_term_in(work, embedder)
    memory.table = MemoryTable(work / "memory.lance", embedder.dim, upkeep_every=upkeep_every)
    await memory.open()
    try:
        remember = []
        for i in range(writes):
            started = time.perf_counter()
            await memory.remember(
                "acme", f"c{i % 50}", f"Customer {i} prefers email about invoice {i * 7919}"
            )
            remember.append(time.perf_counter() - started)
        recall = []
        for i in range(50):
            started = time.perf_counter()
            await memory.recall("acme", f"invoice question {i}", customer_id=f"c{i}")
            recall.append(time.perf_counter() - started)
    finally:
        await memory.close()
    tail = remember[-min(200, writes):]
    return statistics.median(tail) * 1000, statistics.median(recall) * 1000


async def main(writes: int) -> None:
    embedder = WordLlamaEmbedder()
    results = {}
    for name, every in (("upkeep off (baseline)", 0), ("upkeep on", UPKEEP_EVERY_WRITES)):
        with tempfile.TemporaryDirectory(prefix="memory-writes-") as work:
            results[name] = await run(writes, every, Path(work), embedder)
    print(f"{writes} single remember() calls, then 50 customer-scoped recalls")
    for name, (remember_ms, recall_ms) in results.items():
        print(f"  {name:22s} remember p50 (last 200) {remember_ms:6.1f} ms  "
              f"recall p50 {recall_ms:6.1f} ms")
    (off_w, off_r), (on_w, on_r) = results.values()
    print(f"  upkeep on / off: remember {on_w / off_w:.2f}x, recall {on_r / off_r:.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=1000)
    asyncio.run(main(parser.parse_args().writes))
