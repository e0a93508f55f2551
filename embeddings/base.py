"""The embedding seam: texts in, unit-length float32 vectors out."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import anyio.to_thread
import numpy as np

# Longest text embedded on the event loop by a quick embedder (``embed_soon``).
QUICK_TEXT_CHARS = 2000


class EmbeddingError(RuntimeError):
    """The embedding backend failed or is misconfigured."""


@runtime_checkable
class Embedder(Protocol):
    name: str
    """Identifies the model; stored with vectors so a model change forces re-embedding."""
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """Return an array of shape (len(texts), dim), float32, each row L2-normalised."""
        ...

    def load(self) -> None:
        """Load now what the first ``embed`` would (a model held in memory); blocking, so a
        server calls it from a worker thread. Nothing to do for an embedder without one."""
        ...

    def quick(self) -> bool:
        """Whether one short text embeds here, now, in well under a millisecond: a model in
        this process, already loaded. Not a remote API, nor a model still to load."""
        ...


async def embed_soon(embedder: Embedder, texts: list[str]) -> np.ndarray:
    """``embedder.embed(texts)``: one short text of a quick embedder on the event loop (a hop
    to a worker thread and back takes longer than the embedding), anything else in a worker
    thread (a remote API's round trip, a model's first load, a batch), keeping the loop free."""
    if len(texts) == 1 and len(texts[0]) <= QUICK_TEXT_CHARS and embedder.quick():
        return embedder.embed(texts)
    return await anyio.to_thread.run_sync(embedder.embed, texts)


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
