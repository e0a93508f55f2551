"""Stores replicas may share (LanceDB on object storage): where each lives, and how its
writers take turns — chosen once from settings and handed to the store."""

from __future__ import annotations

from pathlib import Path

from core.object_storage import StoreLocation
from core.write_turns import LocalTurns, PostgresTurns, WriteTurns
from servers.jobs.serving import coordination_database

TURNS_VARIABLE = "SUPPORTDESK_JOBS_DATABASE_URL"


class SharedStoreConfigError(ValueError):
    """A store on object storage without a database its replicas can take turns through."""


def write_turns(variable: str, location: StoreLocation, data_dir: Path,
                namespace: str) -> WriteTurns:
    """Local locks for a store in one process; PostgreSQL advisory locks for a shared one."""
    if not location.shared:
        return LocalTurns()
    url, _ = coordination_database(data_dir)
    if not url.startswith("postgresql"):
        raise SharedStoreConfigError(
            f"{variable}={location.uri} is shared by every replica: set {TURNS_VARIABLE} to a "
            "PostgreSQL database (postgresql://...) so their writes take turns"
        )
    return PostgresTurns(url, namespace)
