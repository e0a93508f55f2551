"""The knowledge base on object storage (a real S3-compatible server), shared by replicas:
real `supportdesk serve kb` processes on one bucket, writes taking turns through PostgreSQL."""

from __future__ import annotations

import asyncio
import subprocess

import asyncpg
import lancedb
import pytest

from core.object_storage import StoreLocation

from tests.support.eras import MODERN, client_for
from tests.support.processes import SUPPORTDESK, http_server, server_env
from tests.support.services import await_until, postgres_database

ARTICLE = {
    "article_id": "shared-export",
    "title": "Export a board to CSV",
    "body": "Open the board menu, choose Export and pick CSV. Exports include archived cards.",
    "category": "boards",
}


@pytest.fixture
def shared_kb(s3, tmp_path):
    """Settings of kb replicas sharing one bucket (and the PostgreSQL they take turns in)."""
    with postgres_database() as database:
        yield {
            **s3.settings(),
            "SUPPORTDESK_KB_URI": f"s3://{s3.new_bucket()}/kb",
            "SUPPORTDESK_JOBS_DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{database}",
            "SUPPORTDESK_KB_REFRESH_SECONDS": "0.2",
            "SUPPORTDESK_EVENTS_DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{database}",
        }


async def call(server, tool: str, **arguments):
    async with client_for(server.mcp_url, MODERN) as client:
        return (await client.call_tool(tool, arguments)).structured_content


async def hits_for(server, query: str) -> list[str]:
    found = await call(server, "search", query=query, limit=5)
    return [hit["article_id"] for hit in found["hits"]]


async def test_replicas_share_one_store_and_take_turns_writing(shared_kb, s3, tmp_path):
    # The second replica opens the store the first filled: the demo articles are there once.
    with http_server("kb", data_dir=tmp_path / "a", env=shared_kb) as first, \
            http_server("kb", data_dir=tmp_path / "b", env=shared_kb) as second:
        categories = await call(second, "list_categories")
        assert sum(c["articles"] for c in categories["categories"]) == 72

        # Written through one replica, found through the other.
        await call(first, "upsert_article", **ARTICLE)
        await await_until(lambda: _found(second), timeout=10, what="the other replica's write")

        # New articles, each written through both replicas at once: one of each, one set of
        # passages each (without turns both replicas insert the article they did not see).
        racing = [f"race-{n}" for n in range(6)]
        await asyncio.gather(*(
            call(server, "upsert_article", **{**ARTICLE, "article_id": article_id,
                                              "title": f"{ARTICLE['title']} {article_id}"})
            for article_id in racing for server in (first, second)
        ))
        categories = await call(second, "list_categories")
        assert sum(c["articles"] for c in categories["categories"]) == 72 + 1 + len(racing)
        stored = await _stored_rows(s3.location(shared_kb["SUPPORTDESK_KB_URI"]))
        assert stored == {a: (1, 1) for a in [ARTICLE["article_id"], *racing]}, stored

        # Upkeep (indexes, compaction) is a job: run by hand here, while both replicas serve.
        upkeep = subprocess.run([SUPPORTDESK, "jobs", "run", "kb-upkeep"],
                                env=server_env(tmp_path / "c", shared_kb), capture_output=True,
                                text=True, timeout=120)
        assert upkeep.returncode == 0, upkeep.stderr
        assert upkeep.stdout.startswith("kb-upkeep: ok")
        hits = await hits_for(second, "export a board to CSV")
        assert len(hits) == 5 and set(hits) <= {ARTICLE["article_id"], *racing}, hits
        assert await _stored_rows(s3.location(shared_kb["SUPPORTDESK_KB_URI"])) == stored

        # Their events were committed to PostgreSQL first, and each replica carried its own.
        await await_until(lambda: _no_events_waiting(shared_kb), timeout=10,
                          what="the replicas' relays")


async def _no_events_waiting(settings: dict[str, str]) -> bool:
    conn = await asyncpg.connect(settings["SUPPORTDESK_EVENTS_DATABASE_URL"])
    try:
        waiting = await conn.fetchval("SELECT count(*) FROM events.event_outbox")
    finally:
        await conn.close()
    return waiting == 0


async def _stored_rows(location: StoreLocation) -> dict[str, tuple[int, int]]:
    """(article rows, passage rows) per article of ours, read straight from the bucket."""
    db = await lancedb.connect_async(location.uri, storage_options=location.storage_options)
    counts: dict[str, list[int]] = {}
    for position, table in enumerate(("articles", "chunks")):
        column = "id" if table == "articles" else "article_id"
        rows = await (await db.open_table(table)).query().select([column]).to_list()
        for row in rows:
            if row[column] == ARTICLE["article_id"] or row[column].startswith("race-"):
                counts.setdefault(row[column], [0, 0])[position] += 1
    return {article: tuple(pair) for article, pair in counts.items()}


async def _found(server) -> bool:
    return ARTICLE["article_id"] in await hits_for(server, "export a board to CSV archived")


def test_a_shared_store_without_a_database_to_take_turns_in_is_refused(s3, tmp_path):
    settings = {**s3.settings(), "SUPPORTDESK_KB_URI": f"s3://{s3.new_bucket()}/kb"}
    result = subprocess.run([SUPPORTDESK, "serve", "kb", "--transport", "http"],
                            env=server_env(tmp_path, settings), capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].endswith(
        f"SUPPORTDESK_KB_URI={settings['SUPPORTDESK_KB_URI']} is shared by every replica: set "
        "SUPPORTDESK_JOBS_DATABASE_URL to a PostgreSQL database (postgresql://...) so their "
        "writes take turns"
    )
