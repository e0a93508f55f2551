"""Where a text is embedded: one short text of a quick embedder (a loaded in-process model) on
the event loop; a remote API, a model still to load, a batch or a long text in a worker thread,
so the loop keeps serving other requests meanwhile."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from embeddings import HashingEmbedder, embed_soon
from embeddings.base import QUICK_TEXT_CHARS
from embeddings.openai_embedder import OpenAIEmbedder
from embeddings.wordllama_embedder import WordLlamaEmbedder


class Where(HashingEmbedder):
    """Hashing vectors, and the thread each call ran on."""

    def __init__(self, quick: bool) -> None:
        super().__init__()
        self._quick = quick
        self.threads: list[threading.Thread] = []

    def quick(self) -> bool:
        return self._quick

    def embed(self, texts: list[str]) -> np.ndarray:
        self.threads.append(threading.current_thread())
        return super().embed(texts)


@pytest.mark.parametrize(("quick", "texts", "on_the_loop"), [
    (True, ["How do I export my data?"], True),
    (True, ["x" * (QUICK_TEXT_CHARS + 1)], False),
    (True, ["first", "second"], False),
    (False, ["How do I export my data?"], False),
], ids=["quick, one short text", "a long text", "a batch", "not quick"])
async def test_only_one_short_text_of_a_quick_embedder_is_embedded_on_the_loop(
    quick, texts, on_the_loop
):
    embedder = Where(quick)
    vectors = await embed_soon(embedder, texts)
    assert vectors.shape == (len(texts), embedder.dim)
    assert np.array_equal(vectors, HashingEmbedder().embed(texts))  # the same vectors either way
    assert (embedder.threads == [threading.current_thread()]) is on_the_loop


def test_a_local_model_is_quick_once_loaded_and_a_remote_api_never():
    wordllama = WordLlamaEmbedder()
    assert not wordllama.quick()  # its first embed would load it: 0.2 s and more
    wordllama.load()
    assert wordllama.quick()
    assert HashingEmbedder().quick()
    assert not OpenAIEmbedder("text-embedding-3-small", api_key="sk-test").quick()
