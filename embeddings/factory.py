"""Pick the embedder named by settings, once, at start-up."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from embeddings.base import Embedder, EmbeddingError


class EmbeddingSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SUPPORTDESK_EMBEDDINGS_", extra="ignore", env_ignore_empty=True
    )

    model: str = Field(
        default="wordllama",
        description="'wordllama' (offline, bundled weights), 'hashing' (tests) or "
        "'openai:<model>' such as 'openai:text-embedding-3-small'.",
    )
    openai_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SUPPORTDESK_EMBEDDINGS_OPENAI_API_KEY", "OPENAI_API_KEY"),
        description="API key for OpenAI embeddings (OPENAI_API_KEY is read too).",
    )
    openai_base_url: str | None = Field(
        default=None, description="Alternative OpenAI-compatible endpoint."
    )
    dimensions: int | None = Field(
        default=None, gt=0, description="Vector size to ask OpenAI for (default: the model's)."
    )


_LOADED: dict[tuple, Embedder] = {}


def embedder_from_settings(settings: EmbeddingSettings) -> Embedder:
    """The embedder these settings name, one per process: the servers of a suite share it
    (and with it the model's ~50 MiB of weights) instead of loading one each."""
    key = (settings.model, settings.openai_base_url, settings.dimensions,
           settings.openai_api_key.get_secret_value() if settings.openai_api_key else None)
    if key not in _LOADED:
        _LOADED[key] = _new_embedder(settings)
    return _LOADED[key]


def _new_embedder(settings: EmbeddingSettings) -> Embedder:
    if settings.model == "wordllama":
        from embeddings.wordllama_embedder import WordLlamaEmbedder

        return WordLlamaEmbedder()
    if settings.model == "hashing":
        from embeddings.hashing import HashingEmbedder

        return HashingEmbedder()
    if settings.model.startswith("openai:"):
        from embeddings.openai_embedder import OpenAIEmbedder

        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        if not key:
            raise EmbeddingError(
                "SUPPORTDESK_EMBEDDINGS_MODEL is an OpenAI model but neither "
                "SUPPORTDESK_EMBEDDINGS_OPENAI_API_KEY nor OPENAI_API_KEY is set"
            )
        return OpenAIEmbedder(
            settings.model.removeprefix("openai:"),
            api_key=key,
            base_url=settings.openai_base_url,
            dim=settings.dimensions,
        )
    raise EmbeddingError(
        f"SUPPORTDESK_EMBEDDINGS_MODEL={settings.model!r} is not one of "
        "'wordllama', 'hashing', 'openai:<model>'"
    )
