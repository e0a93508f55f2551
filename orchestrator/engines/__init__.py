"""LLM engines behind one interface, chosen by ``SUPPORTDESK_LLM``."""

from orchestrator.domain import (

    KB_CATEGORIES,

    Citation,

    Claim,

    Customer,

    Draft,

    DraftRequest,

    Passage,

    PiiFinding,

    Review,

    ReviewRequest,

    Triage,

    TriageRequest,

)

from orchestrator.engines.base import EngineConfigError, EngineError, LLMEngine
from orchestrator.engines.factory import engine_from_settings
from orchestrator.engines.provider import ProviderOptions
from orchestrator.engines.scripted import ScriptedEngine
from orchestrator.engines.settings import LLMSettings

__all__ = [
    "KB_CATEGORIES",
    "Citation",
    "Claim",
    "Customer",
    "Draft",
    "DraftRequest",
    "EngineConfigError",
    "EngineError",
    "LLMEngine",
    "LLMSettings",
    "Passage",
    "PiiFinding",
    "ProviderOptions",
    "Review",
    "ReviewRequest",
    "ScriptedEngine",
    "Triage",
    "TriageRequest",
    "engine_from_settings",
]
