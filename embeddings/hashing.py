"""A tiny deterministic embedder for tests that need vectors but not meaning."""

from __future__ import annotations

import hashlib

import numpy as np

from embeddings.base import normalise


class HashingEmbedder:
    """Bag of hashed words: identical texts get identical vectors, shared words add up."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.name = f"hashing-{dim}"

    def load(self) -> None:
        """Nothing to load."""

    def quick(self) -> bool:
        return True

    def embed(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                bucket = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest())
                vectors[row, bucket % self.dim] += 1.0
            if not text.split():
                vectors[row, 0] = 1.0
        return normalise(vectors)
