"""Build the engine named by ``SUPPORTDESK_LLM``, once, at start-up."""

from __future__ import annotations

from embeddings import Embedder
from orchestrator.engines.base import EngineConfigError, LLMEngine
from orchestrator.engines.provider import ProviderOptions
from orchestrator.engines.settings import LLMSettings

PROVIDERS = ("anthropic", "openai")


def _key(settings: LLMSettings, provider: str) -> str:
    secret = getattr(settings, f"{provider}_api_key")
    value = secret.get_secret_value().strip() if secret else ""
    if not value:
        variable = f"{provider.upper()}_API_KEY"
        raise EngineConfigError(
            f"SUPPORTDESK_LLM={settings.llm!r} needs an API key: set {variable} "
            f"(or SUPPORTDESK_{variable}), or use SUPPORTDESK_LLM=offline"
        )
    return value


def engine_from_settings(settings: LLMSettings, embedder: Embedder) -> LLMEngine:
    """The offline engine (default) or a provider engine; config errors name the variable."""
    name = settings.llm.strip()
    if name == "offline":
        from orchestrator.engines.offline import OfflineEngine

        return OfflineEngine(embedder)
    provider, _, model = name.partition(":")
    if provider not in PROVIDERS or not model.strip():
        raise EngineConfigError(
            f"SUPPORTDESK_LLM={settings.llm!r} is not one of 'offline', 'anthropic:<model>', "
            "'openai:<model>'"
        )
    options = ProviderOptions(
        model=model.strip(),
        api_key=_key(settings, provider),
        base_url=getattr(settings, f"{provider}_base_url"),
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        max_output_tokens=settings.llm_max_output_tokens,
    )
    if provider == "anthropic":
        from orchestrator.engines.anthropic_engine import AnthropicEngine

        return AnthropicEngine(options)
    from orchestrator.engines.openai_engine import OpenAIEngine

    return OpenAIEngine(options)
