import pytest

from embeddings import HashingEmbedder
from orchestrator.engines import EngineConfigError, LLMSettings, engine_from_settings
from orchestrator.engines.anthropic_engine import AnthropicEngine
from orchestrator.engines.offline import OfflineEngine
from orchestrator.engines.openai_engine import OpenAIEngine

KEYS = (
    "ANTHROPIC_API_KEY",
    "SUPPORTDESK_ANTHROPIC_API_KEY",
    "OPENAI_API_KEY",
    "SUPPORTDESK_OPENAI_API_KEY",
    "SUPPORTDESK_LLM",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for key in KEYS:
        monkeypatch.delenv(key, raising=False)


def test_offline_is_the_default():
    engine = engine_from_settings(LLMSettings(), HashingEmbedder())
    assert isinstance(engine, OfflineEngine)


@pytest.mark.parametrize(
    "llm, variable",
    [("anthropic:claude-sonnet-5", "ANTHROPIC_API_KEY"), ("openai:gpt-5.4-mini", "OPENAI_API_KEY")],
)
def test_a_missing_key_is_a_clear_error_naming_the_variable(monkeypatch, llm, variable):
    monkeypatch.setenv("SUPPORTDESK_LLM", llm)
    with pytest.raises(EngineConfigError, match=rf"needs an API key: set {variable}"):
        engine_from_settings(LLMSettings(), HashingEmbedder())


@pytest.mark.parametrize("llm", ["gemini:pro", "anthropic:", "openai", "offline-ish"])
def test_an_unknown_engine_names_the_setting(monkeypatch, llm):
    monkeypatch.setenv("SUPPORTDESK_LLM", llm)
    with pytest.raises(EngineConfigError, match=r"SUPPORTDESK_LLM=.* is not one of"):
        engine_from_settings(LLMSettings(), HashingEmbedder())


async def test_keys_from_the_standard_variables_build_provider_engines(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "fake-anthropic-key")
    monkeypatch.setenv("SUPPORTDESK_OPENAI_API_KEY", "fake-openai-key")
    monkeypatch.setenv("SUPPORTDESK_LLM", "anthropic:claude-sonnet-5")
    anthropic = engine_from_settings(LLMSettings(), HashingEmbedder())
    assert isinstance(anthropic, AnthropicEngine) and anthropic.name == "anthropic:claude-sonnet-5"
    openai = engine_from_settings(LLMSettings(llm="openai:gpt-5.4-mini"), HashingEmbedder())
    assert isinstance(openai, OpenAIEngine) and openai.name == "openai:gpt-5.4-mini"
    for engine in (anthropic, openai):
        await engine.aclose()


def test_the_key_never_shows_in_the_settings_repr(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-very-secret")
    assert "sk-very-secret" not in repr(LLMSettings())
