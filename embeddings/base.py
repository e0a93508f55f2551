"""The embedding seam: texts in, unit-length float32 vectors out."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


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


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
