"""CRM fixtures: every backend test runs on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from events import MemoryPublisher
from servers.crm.inputs import NewCustomer
from servers.crm.service import CrmService
from servers.crm.store.database import CrmDatabase
from tests.support.postgres import POSTGRES_URL, temporary_schema

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres_schema():
    """One schema for the whole session; tests keep apart by using their own tenants."""
    with temporary_schema("crm_test") as schema:
        yield schema


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def make_database(backend, request, tmp_path):
    """Build a CrmDatabase on the backend under test (not yet open)."""
    schema = request.getfixturevalue("postgres_schema") if backend == "postgresql" else None

    def make(**options) -> CrmDatabase:
        if schema is None:
            return CrmDatabase(f"sqlite+aiosqlite:///{tmp_path / 'crm.db'}", **options)
        return CrmDatabase(POSTGRES_URL, schema=schema, **options)

    return make


@pytest.fixture
def empty_database(backend, tmp_path):
    """A database of its own, for tests that need the whole store empty (not yet open)."""
    if backend == "sqlite":
        yield CrmDatabase(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
        return
    with temporary_schema("crm_empty") as schema:
        yield CrmDatabase(POSTGRES_URL, schema=schema)


@pytest.fixture
def tenant() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


class Clock:
    """A clock tests move by hand: timestamps and SLA due times become exact."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def publisher() -> MemoryPublisher:
    return MemoryPublisher()


@pytest.fixture
async def crm(make_database, publisher, clock):
    service = CrmService(make_database(), publisher=publisher, clock=clock)
    await service.open()
    yield service
    await service.close()


@pytest.fixture
async def frozen_crm(make_database):
    """A CRM whose clock never moves: every row gets the same timestamp (ties everywhere)."""
    instant = datetime(2026, 1, 1, tzinfo=UTC)
    service = CrmService(make_database(), clock=lambda: instant)
    await service.open()
    yield service
    await service.close()


@pytest.fixture
async def customer(crm, tenant, publisher):
    created = await crm.create_customer(
        tenant,
        "setup",
        NewCustomer(name="Quinn Test", email=f"quinn@{tenant}.example.com",
                    phone="+1 555-0199", company="Testing Co", tier="pro"),
    )
    publisher.events.clear()  # tests look at the events of what they do, not of the setup
    return created.customer
