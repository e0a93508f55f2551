"""OpenAI embeddings, when configured (``SUPPORTDESK_EMBEDDINGS_MODEL=openai:<model>``)."""

from __future__ import annotations

import numpy as np

from embeddings.base import EmbeddingError, normalise


class OpenAIEmbedder:
    def __init__(
        self, model: str, api_key: str, base_url: str | None = None, dim: int | None = None
    ) -> None:
        from openai import OpenAI

        self.model = model
        self.dim = dim or (3072 if model.endswith("-large") else 1536)
        self.name = f"openai-{model}-{self.dim}"
        self._client = OpenAI(api_key=api_key, base_url=base_url, max_retries=3, timeout=30)

    def load(self) -> None:
        """Nothing to load: the model runs at OpenAI."""

    def quick(self) -> bool:
        return False  # a round trip to OpenAI

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import openai

        try:
            response = self._client.embeddings.create(
                model=self.model, input=list(texts), dimensions=self.dim
            )
        except openai.OpenAIError as error:
            raise EmbeddingError(f"OpenAI embeddings failed: {error}") from error
        ordered = sorted(response.data, key=lambda item: item.index)
        return normalise(np.array([item.embedding for item in ordered], dtype=np.float32))
