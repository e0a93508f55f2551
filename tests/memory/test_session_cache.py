"""One contract for every session cache: in-process, Redis (a real server), and resilient."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from memory.errors import SessionCustomerMismatch
from memory.models import Turn
from memory.session_cache import Appended
from tests.memory.conftest import make_session_cache
from tests.support.services import await_until

KINDS = ("in-process", "redis", "resilient")
SHARED = ("redis", "resilient")


@pytest.fixture(params=KINDS)
async def cache_factory(request, key_prefix):
    async for build in _factory(request, key_prefix):
        yield build


@pytest.fixture(params=SHARED)
async def shared_cache_factory(request, key_prefix):
    async for build in _factory(request, key_prefix):
        yield build


async def _factory(request, key_prefix):
    """Builds open caches of one kind sharing a key prefix; closes them all afterwards."""
    kind = request.param
    url = request.getfixturevalue("redis_url") if kind != "in-process" else None
    opened = []

    async def build(**options):
        cache = make_session_cache(kind, url, key_prefix, **options)
        await cache.open()
        opened.append(cache)
        return cache

    yield build
    for cache in opened:
        await cache.close()
    if url is not None:
        client = Redis.from_url(url)
        keys = [key async for key in client.scan_iter(match=f"{key_prefix}:*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


@pytest.fixture
async def cache(cache_factory):
    return await cache_factory()


def turn(text: str, role: str = "customer") -> Turn:
    return Turn(role=role, content=text)


async def test_turns_come_back_in_order_with_the_customer(cache):
    assert (await cache.append_turn("t1", "s1", turn("hello"), customer_id="c1")).turns == 1
    assert (await cache.append_turn("t1", "s1", turn("hi, how can I help?", "agent"))).turns == 2
    session = await cache.get("t1", "s1")
    assert [t.content for t in session.turns] == ["hello", "hi, how can I help?"]
    assert [t.role for t in session.turns] == ["customer", "agent"]
    assert session.customer_id == "c1"
    last = await cache.get("t1", "s1", last=1)
    assert [t.content for t in last.turns] == ["hi, how can I help?"]


async def test_an_unknown_session_is_none(cache):
    assert await cache.get("t1", "never") is None


async def test_sessions_are_scoped_by_tenant(cache):
    await cache.append_turn("t1", "s1", turn("mine"))
    assert await cache.get("t2", "s1") is None
    assert await cache.delete_session("t2", "s1") is False
    assert (await cache.get("t1", "s1")).turns[0].content == "mine"


async def test_only_the_newest_turns_are_kept(cache_factory):
    cache = await cache_factory(max_turns=3)
    for i in range(5):
        appended = await cache.append_turn("t1", "s1", turn(f"message {i}"))
    assert appended.turns == 3
    assert [t.content for t in (await cache.get("t1", "s1")).turns] == [
        "message 2", "message 3", "message 4"
    ]


async def test_a_session_belongs_to_one_customer(cache):
    await cache.append_turn("t1", "s1", turn("hello"), customer_id="c1")
    with pytest.raises(SessionCustomerMismatch, match="customer_id"):
        await cache.append_turn("t1", "s1", turn("sneaky"), customer_id="c2")
    assert len((await cache.get("t1", "s1")).turns) == 1


async def contents(cache, tenant: str, session_id: str) -> list[str]:
    session = await cache.get(tenant, session_id)
    return [t.content for t in session.turns] if session else []


async def test_a_turn_with_a_key_already_seen_is_not_appended_again(cache):
    first = await cache.append_turn("t1", "s1", turn("hello"), idempotency_key="r1:turn:0")
    again = await cache.append_turn("t1", "s1", turn("hello"), idempotency_key="r1:turn:0")
    other = await cache.append_turn("t1", "s1", turn("more"), idempotency_key="r1:turn:1")
    assert first == Appended(turns=1, created=True)
    assert again == Appended(turns=1, created=False)
    assert other == Appended(turns=2, created=True)
    assert await contents(cache, "t1", "s1") == ["hello", "more"]


async def test_turns_without_a_key_are_always_appended(cache):
    for _ in range(2):
        assert (await cache.append_turn("t1", "s1", turn("again"))).created is True
    assert await contents(cache, "t1", "s1") == ["again", "again"]


async def test_a_key_belongs_to_one_session_of_one_tenant(cache):
    await cache.append_turn("t1", "s1", turn("mine"), idempotency_key="k")
    assert (await cache.append_turn("t1", "s2", turn("s2"), idempotency_key="k")).created
    assert (await cache.append_turn("t2", "s1", turn("theirs"), idempotency_key="k")).created
    assert await contents(cache, "t1", "s1") == ["mine"]
    assert await contents(cache, "t2", "s1") == ["theirs"]


async def test_a_key_outlives_its_trimmed_turn(cache_factory):
    cache = await cache_factory(max_turns=2)
    for i in range(3):
        await cache.append_turn("t1", "s1", turn(f"message {i}"), idempotency_key=f"k{i}")
    again = await cache.append_turn("t1", "s1", turn("message 0"), idempotency_key="k0")
    assert again == Appended(turns=2, created=False)
    assert await contents(cache, "t1", "s1") == ["message 1", "message 2"]


async def test_a_repeat_is_still_refused_for_another_customer(cache):
    await cache.append_turn("t1", "s1", turn("hello"), customer_id="c1", idempotency_key="k")
    with pytest.raises(SessionCustomerMismatch, match="customer_id"):
        await cache.append_turn("t1", "s1", turn("hello"), customer_id="c2", idempotency_key="k")


async def test_concurrent_appends_with_one_key_add_one_turn(cache):
    results = await asyncio.gather(*(
        cache.append_turn("t1", "s1", turn("once"), idempotency_key="k") for _ in range(10)
    ))
    assert sorted(r.created for r in results) == [False] * 9 + [True]
    assert await contents(cache, "t1", "s1") == ["once"]


async def test_keys_are_deleted_with_the_session_and_the_customer(cache):
    await cache.append_turn("t1", "s1", turn("first life"), customer_id="c1",
                            idempotency_key="k")
    await cache.append_turn("t1", "s2", turn("first life"), customer_id="c1",
                            idempotency_key="k")
    assert await cache.delete_session("t1", "s1") is True
    assert await cache.delete_customer("t1", "c1") == 1
    for session_id in ("s1", "s2"):
        again = await cache.append_turn("t1", session_id, turn("second life"),
                                        idempotency_key="k")
        assert again == Appended(turns=1, created=True)
        assert await contents(cache, "t1", session_id) == ["second life"]


async def test_keys_expire_with_the_session(cache_factory):
    cache = await cache_factory(ttl=0.4)
    await cache.append_turn("t1", "s1", turn("short-lived"), idempotency_key="k")

    async def gone():
        return await cache.get("t1", "s1") is None

    await await_until(gone, timeout=5, what="the session to expire")
    assert (await cache.append_turn("t1", "s1", turn("new"), idempotency_key="k")).created


async def test_context_merges_and_none_removes(cache):
    await cache.set_context("t1", "s1", {"plan": "pro", "channel": "chat", "n": [1, 2]})
    await cache.set_context("t1", "s1", {"channel": None, "plan": "enterprise"})
    assert (await cache.get("t1", "s1")).context == {"plan": "enterprise", "n": [1, 2]}


async def test_a_fact_expires_after_its_ttl(cache):
    await cache.set_fact("t1", "s1", "verified", True, ttl_seconds=0.3)
    await cache.set_fact("t1", "s1", "order", {"id": "O-1"}, ttl_seconds=60)
    assert (await cache.get("t1", "s1")).facts == {"verified": True, "order": {"id": "O-1"}}

    async def verified_gone():
        return "verified" not in (await cache.get("t1", "s1")).facts

    await await_until(verified_gone, timeout=5, what="the fact to expire")
    assert (await cache.get("t1", "s1")).facts == {"order": {"id": "O-1"}}


async def test_a_session_expires_after_its_ttl_without_writes(cache_factory):
    cache = await cache_factory(ttl=0.4)
    await cache.append_turn("t1", "s1", turn("short-lived"), customer_id="c1")

    async def gone():
        return await cache.get("t1", "s1") is None

    await await_until(gone, timeout=5, what="the session to expire")
    assert await cache.delete_customer("t1", "c1") == 0


async def test_delete_session_and_delete_customer(cache):
    await cache.append_turn("t1", "s1", turn("a"), customer_id="c1")
    await cache.append_turn("t1", "s2", turn("b"), customer_id="c1")
    await cache.append_turn("t1", "s3", turn("c"), customer_id="c2")
    await cache.append_turn("t2", "s4", turn("d"), customer_id="c1")
    assert await cache.delete_session("t1", "s1") is True
    assert await cache.delete_session("t1", "s1") is False
    assert await cache.delete_customer("t1", "c1") == 1
    assert await cache.get("t1", "s2") is None
    assert await cache.get("t1", "s3") is not None
    assert await cache.get("t2", "s4") is not None


async def test_a_shared_backend_is_seen_by_every_client(shared_cache_factory):
    writer, reader = await shared_cache_factory(), await shared_cache_factory()
    await writer.append_turn("t1", "s1", turn("from replica A"), customer_id="c1")
    assert (await reader.get("t1", "s1")).turns[0].content == "from replica A"


async def test_a_key_seen_by_one_client_is_seen_by_every_client(shared_cache_factory):
    first, second = await shared_cache_factory(), await shared_cache_factory()
    await first.append_turn("t1", "s1", turn("once"), idempotency_key="k")
    again = await second.append_turn("t1", "s1", turn("once"), idempotency_key="k")
    assert again == Appended(turns=1, created=False)


async def test_redis_sessions_survive_a_client_restart(shared_cache_factory):
    first = await shared_cache_factory()
    await first.append_turn("t1", "s1", turn("before restart"), customer_id="c1")
    await first.close()
    second = await shared_cache_factory()
    session = await second.get("t1", "s1")
    assert session.customer_id == "c1"
    assert session.turns[0].content == "before restart"
