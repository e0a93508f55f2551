"""The offline default: WordLlama's 256-dim model, whose weights ship inside the wheel."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from embeddings.base import EmbeddingError, normalise


@contextmanager
def _root_logging_kept() -> Iterator[None]:
    """wordllama calls ``logging.basicConfig(level=INFO)`` on import: in a process that has not
    set up logging (an embedding app, a test) that would start printing every library's INFO
    records. The root logger is put back as it was."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        yield
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers


def half_when_lossless(matrix: np.ndarray) -> np.ndarray:
    """The token matrix in float16 when that loses nothing, else as it is.

    WordLlama ships its weights in float16 and widens them to float32 on load (31 MiB held for
    the life of the process). Kept in float16 they take half that, and the embeddings are the
    same to the bit: pooling multiplies the gathered rows by a float32 mask, which widens them
    exactly as the load did, before anything is summed."""
    half = matrix.astype(np.float16)
    return half if np.array_equal(half, matrix) else matrix


class WordLlamaEmbedder:
    """Loads lazily (0.2 s) on first use and never touches the network."""

    name = "wordllama-l2_supercat-256"
    dim = 256

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                with _root_logging_kept():
                    import wordllama
                from wordllama import WordLlama

                package_dir = Path(wordllama.__file__).parent
                try:
                    self._model = WordLlama.load(cache_dir=package_dir, disable_download=True)
                except Exception as error:  # the package's weights are missing or unreadable
                    raise EmbeddingError(f"cannot load WordLlama weights: {error}") from error
                self._model.embedding = half_when_lossless(self._model.embedding)
        return self._model

    def load(self) -> None:
        self._load()

    def quick(self) -> bool:
        return self._model is not None  # a short text in 0.05-0.3 ms once loaded

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._model or self._load()
        return normalise(model.embed(list(texts), norm=False, return_np=True))
