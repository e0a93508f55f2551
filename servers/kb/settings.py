"""How the knowledge base serves searches: result caching and how soon it sees outside writes."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class KbSettings(BaseSettings):
    """The knowledge base's serving knobs; the defaults suit a help center read far more than written."""

    model_config = SettingsConfigDict(
        env_prefix="SUPPORTDESK_KB_", extra="ignore", env_ignore_empty=True
    )

    uri: str | None = Field(
        default=None,
        description=(
            "Where the articles live: `s3://bucket/prefix` shares one store between replicas "
            "(connection in `SUPPORTDESK_S3_*`; their writes take turns through "
            "`SUPPORTDESK_JOBS_DATABASE_URL`, PostgreSQL), or a local directory; default "
            "<data dir>/kb.lance."
        ),
    )
    search_cache_size: int = Field(
        default=1024,
        ge=0,
        description=(
            "Search results, and articles read whole, kept per store version (least recently "
            "used go first); any change to the articles starts afresh. 0 turns the caches off."
        ),
    )
    refresh_seconds: float = Field(
        default=5.0,
        ge=0,
        description=(
            "How often to look for articles written by another process (e.g. `supportdesk "
            "ingest` while serving); 0 looks on every read."
        ),
    )
    serving_max_passages: int = Field(
        default=100_000,
        ge=0,
        description=(
            "Searches are answered from process memory for a tenant of up to this many "
            "passages (about 1 KiB each with 256-dim vectors); a larger tenant is searched in "
            "LanceDB. 0 always searches LanceDB."
        ),
    )
