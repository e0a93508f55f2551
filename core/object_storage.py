"""Where a LanceDB store lives: a local directory (the embedded default) or an S3-compatible
bucket every replica shares, with the connection options LanceDB takes for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REMOTE_SCHEMES = ("s3://",)


class ObjectStoreSettings(BaseSettings):
    """How to reach the object store named by `SUPPORTDESK_KB_URI` or
    `SUPPORTDESK_MEMORY_LONG_TERM_URI`; unset values fall back to LanceDB's own defaults (the
    `AWS_*` environment, an instance role)."""

    model_config = SettingsConfigDict(
        env_prefix="SUPPORTDESK_S3_", extra="ignore", env_ignore_empty=True,
        hide_input_in_errors=True,
    )

    endpoint: str | None = Field(
        default=None,
        pattern=r"^https?://",
        description="Endpoint of an S3-compatible store (MinIO, Ceph, R2, ...); unset: AWS S3.",
    )
    region: str | None = Field(default=None, description="Region of the bucket.")
    access_key_id: str | None = Field(default=None, description="Access key id.")
    secret_access_key: SecretStr | None = Field(
        default=None, description="Secret access key. Never logged."
    )
    allow_http: bool = Field(
        default=False, description="Allow a plain-HTTP endpoint (a store inside the cluster)."
    )

    def lance_options(self) -> dict[str, str]:
        """LanceDB's ``storage_options`` for these settings."""
        options = {
            "endpoint": self.endpoint,
            "region": self.region,
            "aws_access_key_id": self.access_key_id,
            "aws_secret_access_key": (
                self.secret_access_key.get_secret_value() if self.secret_access_key else None
            ),
            "allow_http": "true" if self.allow_http else None,
        }
        return {key: value for key, value in options.items() if value}


@dataclass(frozen=True)
class StoreLocation:
    """A LanceDB database: ``uri`` a local directory or ``s3://bucket/prefix``."""

    uri: str
    storage_options: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def local(cls, path: Path) -> StoreLocation:
        return cls(str(path))

    @property
    def shared(self) -> bool:
        """On object storage: other replicas may read and write the same store."""
        return self.uri.startswith(REMOTE_SCHEMES)

    def prepare(self) -> None:
        """Create a local directory that does not exist yet (a bucket must exist already)."""
        if not self.shared:
            Path(self.uri).mkdir(parents=True, exist_ok=True)

    def describe(self) -> str:
        return f"lancedb at {self.uri}"


def store_location(uri: str | None, default: Path) -> StoreLocation:
    """The store at ``uri`` (object storage takes ``ObjectStoreSettings``), else ``default``."""
    if uri is None:
        return StoreLocation.local(default)
    if uri.startswith(REMOTE_SCHEMES):
        return StoreLocation(uri.rstrip("/"), ObjectStoreSettings().lance_options())
    return StoreLocation.local(Path(uri))
