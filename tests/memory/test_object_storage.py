"""Long-term memory on object storage (a real S3-compatible server), shared by replicas: real
`supportdesk serve memory` processes on one bucket, writes taking turns through PostgreSQL."""

from __future__ import annotations

import asyncio
import sys

import lancedb
import pytest

from core.object_storage import StoreLocation
from embeddings.wordllama_embedder import WordLlamaEmbedder
from memory.long_term import long_term_in
from tests.support.eras import MODERN, client_for
from tests.support.processes import http_server, killed_after_lines, server_env
from tests.support.services import postgres_database

CUSTOMERS = [f"C-{n}" for n in range(4)]
FACTS = ["Prefers email over phone calls.", "Works in the Berlin office.",
         "Renews the annual plan every March."]


@pytest.fixture
def shared_memory(s3):
    with postgres_database() as database:
        yield {
            **s3.settings(),
            "SUPPORTDESK_MEMORY_LONG_TERM_URI": f"s3://{s3.new_bucket()}/memory",
            "SUPPORTDESK_JOBS_DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{database}",
        }


async def stored_ids(location: StoreLocation) -> list[str]:
    db = await lancedb.connect_async(location.uri, storage_options=location.storage_options)
    table = await db.open_table("memories")
    return [row["id"] for row in await table.query().select(["id"]).to_list()]


async def call(server, tool: str, **arguments):
    async with client_for(server.mcp_url, MODERN) as client:
        return (await client.call_tool(tool, arguments)).structured_content


async def test_replicas_remembering_the_same_things_at_once_store_each_once(
    shared_memory, s3, tmp_path
):
    with http_server("memory", data_dir=tmp_path / "a", env=shared_memory) as first, \
            http_server("memory", data_dir=tmp_path / "b", env=shared_memory) as second:
        outcomes = await asyncio.gather(*(
            call(server, "remember", customer_id=customer, content=fact)
            for customer in CUSTOMERS for fact in FACTS for server in (first, second)
        ))
        ids = await stored_ids(s3.location(shared_memory["SUPPORTDESK_MEMORY_LONG_TERM_URI"]))
        assert sorted(ids) == sorted({o["memory"]["id"] for o in outcomes})
        assert len(ids) == len(CUSTOMERS) * len(FACTS)
        statuses = sorted(o["status"] for o in outcomes)
        assert statuses.count("created") == len(ids), statuses

        # Written through one replica, recalled through the other.
        await call(first, "remember", customer_id="C-new", content="Uses the Android app.")
        recalled = await call(second, "recall", query="which app", customer_id="C-new")
        assert [m["content"] for m in recalled["memories"]] == ["Uses the Android app."]


async def test_a_replica_killed_mid_write_leaves_the_store_readable(shared_memory, s3, tmp_path):
    env = server_env(tmp_path, shared_memory)
    location = s3.location(shared_memory["SUPPORTDESK_MEMORY_LONG_TERM_URI"])
    written = killed_after_lines("tests.memory.workers", "remember-endlessly", str(tmp_path),
                                 "killed", "1000", env=env, lines=6)
    memory = long_term_in(tmp_path, WordLlamaEmbedder(), location=location)
    await memory.open()
    try:
        ids = await stored_ids(location)
        assert set(written) <= set(ids) and len(ids) == len(set(ids))
        record, status = await memory.remember("t1", "killed-c0", "killed note 0")
        assert (record.id, status) == (written[0], "unchanged")
        await memory.remember("t1", "after", "Written after the crash.")
        assert len(await stored_ids(location)) == len(ids) + 1
    finally:
        await memory.close()
