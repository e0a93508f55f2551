"""A real PostgreSQL for backend tests: the local server, a private schema per test session.

Where no server answers, tests skip saying why; under CI=true that is a failure instead.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

POSTGRES_URL = os.environ.get(
    "SUPPORTDESK_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


def unavailable(reason: str) -> None:
    """Skip the test, or fail it under CI=true, where every backend must be tested."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: a missing backend is a failure)")
    pytest.skip(reason)


def _dsn() -> str:
    return POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _execute(statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_dsn(), timeout=5)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@contextmanager
def temporary_schema(prefix: str) -> Iterator[str]:
    """A new, empty schema on the test server, dropped with everything in it afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_execute(f'CREATE SCHEMA "{schema}"'))
    except (OSError, asyncio.TimeoutError) as error:
        unavailable(f"PostgreSQL at {POSTGRES_URL} is not reachable: {error!r}")
    except Exception as error:  # asyncpg's own errors: auth, missing database, ...
        unavailable(f"PostgreSQL at {POSTGRES_URL} refused the test schema: {error!r}")
    try:
        yield schema
    finally:
        asyncio.run(_execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


@pytest.fixture(params=["sqlite", "postgresql"])
def coordination_database(request, tmp_path):
    """(url, schema) of a database replicas coordinate through: a SQLite file, or a private
    schema in the local PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'runs.db'}", None
        return
    with temporary_schema("coordination") as schema:
        yield POSTGRES_URL, schema
