"""The settings reference in the README, generated from the settings classes themselves.

``python -m servers.settings_reference`` prints the Markdown table; a test checks that the
README holds exactly this table, so the documented settings cannot drift from the code.
"""

from __future__ import annotations

from pydantic_settings import BaseSettings


def settings_classes() -> list[type[BaseSettings]]:
    from core.object_storage import ObjectStoreSettings
    from embeddings import EmbeddingSettings
    from events import EventSettings
    from memory.settings import MemorySettings
    from orchestrator.engines.settings import LLMSettings
    from orchestrator.policy import PolicySettings
    from orchestrator.settings import OrchestratorSettings
    from servers.auth import AuthSettings
    from servers.crm.settings import CrmSettings
    from servers.jobs.settings import JobsSettings
    from servers.kb.settings import KbSettings
    from servers.notify.settings import NotifySettings
    from servers.settings import CoreSettings, HttpSettings
    from servers.workflow.settings import WorkflowSettings

    return [CoreSettings, HttpSettings, AuthSettings, EmbeddingSettings, KbSettings, CrmSettings,
            MemorySettings, ObjectStoreSettings, EventSettings, LLMSettings, OrchestratorSettings,
            PolicySettings, WorkflowSettings, JobsSettings, NotifySettings]


def env_names(cls: type[BaseSettings], name: str, field) -> str:
    alias = field.validation_alias
    choices = getattr(alias, "choices", None)
    if choices:
        return " / ".join(f"`{choice}`" for choice in choices)
    return f"`{cls.model_config.get('env_prefix', '')}{name}`".upper()


def default_of(field) -> str:
    if field.default_factory is not None:
        return "(computed)"
    value = field.default
    if value is None:
        return "unset"
    if hasattr(value, "get_secret_value"):
        return "(secret)"
    return f"`{value}`"


def table() -> str:
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for cls in settings_classes():
        for name, field in cls.model_fields.items():
            description = (field.description or "").replace("|", "\\|").replace("\n", " ")
            rows.append(f"| {env_names(cls, name, field)} | {default_of(field)} | {description} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table())
