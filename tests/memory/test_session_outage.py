"""Redis goes away at run time: the service keeps answering from the local tier, says so in
health, readiness and logs, and recovers (replaying what it missed) when Redis returns."""

from __future__ import annotations

import logging

from memory.models import Turn
from memory.settings import MemorySettings
from servers.memory.wiring import memory_service
from tests.support.services import await_until, own_redis


async def test_an_outage_degrades_to_local_and_recovers_with_nothing_lost(
    tmp_path, embedder, key_prefix, caplog
):
    caplog.set_level(logging.WARNING, logger="memory.session_resilient")
    with own_redis() as redis_server:
        settings = MemorySettings(
            redis_url=redis_server.url, redis_key_prefix=key_prefix,
            redis_retry_seconds=0.05, redis_timeout_seconds=0.5,
        )
        service = memory_service(settings, tmp_path / "data", embedder)
        await service.open()
        try:
            await service.append_turn("t1", "s1", "customer", "before the outage",
                                      customer_id="c1")
            await service.append_turn("t1", "gone", "customer", "forget me", customer_id="c9")
            assert await service.readiness() == {
                "memory_store": True, "memory_session_cache": True
            }

            redis_server.stop()
            outcome = await service.append_turn("t1", "s1", "agent", "during the outage")
            assert outcome.turns == 2
            await service.forget("t1", customer_id="c9")
            session = await service.get_session("t1", "s1")
            assert [t.content for t in session.turns] == ["before the outage",
                                                          "during the outage"]
            health = await service.health()
            assert health.degraded and health.session_cache == "in-process"
            assert (await service.readiness())["memory_session_cache"] == "degraded"
            assert "session cache degraded" in caplog.text

            redis_server.start()

            async def recovered():
                return not (await service.health()).degraded

            await await_until(recovered, timeout=10, what="redis to be used again")
            assert "session cache recovered" in caplog.text
            assert await service.readiness() == {
                "memory_store": True, "memory_session_cache": True
            }
            # Redis is the source again, and holds the writes made while it was away
            # (the restarted server kept nothing: --save '').
            direct = service.sessions.primary
            session = await direct.get("t1", "s1")
            assert [t.content for t in session.turns] == ["during the outage"]
            assert session.customer_id == "c1"
            assert await direct.get("t1", "gone") is None
            await service.append_turn("t1", "s1", "customer", "after recovery")
            assert [t.content for t in (await direct.get("t1", "s1")).turns] == [
                "during the outage", "after recovery"
            ]
        finally:
            await service.close()


async def test_starting_while_redis_is_down_answers_from_local(tmp_path, embedder, key_prefix):
    with own_redis() as redis_server:
        url = redis_server.url
    settings = MemorySettings(redis_url=url, redis_key_prefix=key_prefix,
                              redis_timeout_seconds=0.5)
    service = memory_service(settings, tmp_path / "data", embedder)
    await service.open()
    try:
        assert (await service.health()).degraded
        await service.append_turn("t1", "s1", "customer", "hello")
        assert (await service.get_session("t1", "s1")).turns[0].content == "hello"
    finally:
        await service.close()


def test_turn_model_round_trips_through_json():
    turn = Turn(role="agent", content="ok")
    assert Turn.model_validate_json(turn.model_dump_json()) == turn
