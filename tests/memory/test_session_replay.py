"""Replaying the outage journal into Redis (a real server) never appends a turn twice: not
when a reply is lost and the write is replayed again, not when two callers recover at once."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from memory.errors import BackendUnavailable
from memory.models import Turn
from memory.session_local import InProcessSessionCache
from memory.session_redis import RedisSessionCache
from memory.session_resilient import ResilientSessionCache
from tests.support.services import await_until


class Switchable:
    """A Redis session cache that can be switched off, or made to lose the reply of a turn
    (Redis applied it; the caller saw a timeout)."""

    def __init__(self, inner: RedisSessionCache) -> None:
        self.inner = inner
        self.name = inner.name
        self.up = True
        self.lose_reply_to: set[str] = set()

    async def open(self) -> None:
        await self.inner.open()

    async def close(self) -> None:
        await self.inner.close()

    async def ping(self) -> bool:
        return self.up and await self.inner.ping()

    def __getattr__(self, method: str):
        async def call(*args, **kwargs):
            if not self.up:
                raise BackendUnavailable("redis: switched off")
            answer = await getattr(self.inner, method)(*args, **kwargs)
            if method == "append_turn" and args[2].content in self.lose_reply_to:
                self.lose_reply_to.discard(args[2].content)
                raise BackendUnavailable("redis: TimeoutError")
            return answer

        return call


@pytest.fixture
async def rig(redis_url, key_prefix):
    redis = Switchable(RedisSessionCache(redis_url, ttl_seconds=60, max_turns=50,
                                         key_prefix=key_prefix))
    cache = ResilientSessionCache(
        redis, InProcessSessionCache(ttl_seconds=60, max_turns=50), retry_seconds=3600
    )
    await cache.open()
    yield cache, redis
    await cache.close()
    client = Redis.from_url(redis_url)
    keys = [key async for key in client.scan_iter(match=f"{key_prefix}:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


def turn(text: str) -> Turn:
    return Turn(role="customer", content=text)


async def in_redis(redis: Switchable, session_id: str) -> list[str]:
    return [t.content for t in (await redis.inner.get("t1", session_id)).turns]


async def recovered(cache: ResilientSessionCache) -> None:
    async def answering():
        return not (await cache.health()).degraded

    await await_until(answering, timeout=5, what="redis to be used again")


async def test_turns_replayed_twice_after_lost_replies_are_appended_once(rig):
    cache, redis = rig
    await cache.append_turn("t1", "s1", turn("before"), customer_id="c1")
    redis.up = False
    await cache.append_turn("t1", "s1", turn("keyless"))
    await cache.append_turn("t1", "s1", turn("keyed"), idempotency_key="r1:turn:1")
    assert cache.degraded

    redis.up = True
    redis.lose_reply_to = {"keyless", "keyed"}  # each is applied, then replayed again
    assert (await cache.health()).degraded  # "keyless" applied, its reply lost
    assert (await cache.health()).degraded  # "keyless" again, "keyed" applied, reply lost
    await recovered(cache)  # "keyed" again

    assert await in_redis(redis, "s1") == ["before", "keyless", "keyed"]
    assert (await redis.inner.get("t1", "s1")).customer_id == "c1"
    again = await cache.append_turn("t1", "s1", turn("keyed"), idempotency_key="r1:turn:1")
    assert again.created is False
    assert await in_redis(redis, "s1") == ["before", "keyless", "keyed"]


async def test_a_turn_whose_reply_was_lost_is_not_appended_again_by_the_replay(rig):
    cache, redis = rig
    redis.lose_reply_to = {"applied, reply lost"}
    appended = await cache.append_turn("t1", "s1", turn("applied, reply lost"))
    assert appended.created and cache.degraded  # answered from the local tier, journalled
    await recovered(cache)
    assert await in_redis(redis, "s1") == ["applied, reply lost"]


async def test_callers_recovering_at_once_replay_each_turn_once(rig):
    cache, redis = rig
    redis.up = False
    sent = [f"message {i}" for i in range(20)]
    for i, text in enumerate(sent):
        await cache.append_turn("t1", "s1", turn(text), idempotency_key=f"r1:turn:{i}")
    redis.up = True
    await asyncio.gather(*(cache.health() for _ in range(5)))
    await recovered(cache)
    assert await in_redis(redis, "s1") == sent
