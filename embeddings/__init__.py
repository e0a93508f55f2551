"""Text embeddings behind one small interface, shared by the knowledge base and memory."""

from embeddings.base import Embedder, EmbeddingError, embed_soon
from embeddings.factory import EmbeddingSettings, embedder_from_settings
from embeddings.hashing import HashingEmbedder

__all__ = [
    "Embedder",
    "EmbeddingError",
    "EmbeddingSettings",
    "HashingEmbedder",
    "embed_soon",
    "embedder_from_settings",
]
