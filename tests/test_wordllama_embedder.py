"""The offline embedder holds WordLlama's token matrix at the precision it ships in (float16),
half the memory of the float32 copy WordLlama makes, and embeds exactly as that copy would."""

from pathlib import Path

import numpy as np
import wordllama
from wordllama import WordLlama

from embeddings.base import normalise
from embeddings.wordllama_embedder import WordLlamaEmbedder, half_when_lossless

TEXTS = ["How do I export my data to CSV?", "Mi factura tiene un cargo duplicado.",
         "Ünïcödé façade naïve", "x", "", "refund " * 400]


def test_the_matrix_is_half_precision_and_the_embeddings_are_the_same_to_the_bit():
    embedder = WordLlamaEmbedder()
    ours = embedder.embed(TEXTS)
    stock = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    assert stock.embedding.dtype == np.float32
    assert embedder._load().embedding.dtype == np.float16
    assert embedder._load().embedding.nbytes * 2 == stock.embedding.nbytes
    expected = normalise(stock.embed(TEXTS, norm=False, return_np=True))
    assert ours.dtype == np.float32
    assert np.array_equal(ours, expected)


def test_a_matrix_float16_cannot_hold_exactly_is_kept_as_it_is():
    exact = np.array([[0.5, -2.0], [1024.0, 0.0]], dtype=np.float32)
    assert half_when_lossless(exact).dtype == np.float16
    inexact = np.array([[0.1, 1.0]], dtype=np.float32)
    assert half_when_lossless(inexact) is inexact
