"""A scheduled job runs once per period however many replicas tick (SQLite and PostgreSQL),
a run by hand never overlaps a running one, and a failure is recorded, shown as degraded and
retried next period."""

import asyncio
from datetime import timedelta

import pytest

from servers.jobs import Job, JobStore, Scheduler, UnknownJob
from tests.support.postgres import coordination_database  # noqa: F401 - a fixture


@pytest.fixture
async def stores(coordination_database):
    """Three stores on one database, as three replicas would have."""
    url, schema = coordination_database
    opened = [JobStore(url, schema=schema) for _ in range(3)]
    for store in opened:
        await store.open()
    yield opened
    for store in opened:
        await store.close()


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_a_job_runs_once_per_period_across_three_replicas(stores):
    clock, runs = Clock(), []

    async def scan() -> str:
        runs.append(clock.now)
        await asyncio.sleep(0.01)
        return "scanned"

    job = Job("sla-scan", timedelta(seconds=60), scan, "test")
    replicas = [Scheduler([job], store, clock=clock) for store in stores]
    for _period in range(5):
        for _tick in range(4):
            await asyncio.gather(*(replica.start_due() for replica in replicas))
            await asyncio.sleep(0.02)
        clock.now += 60
    for replica in replicas:
        await replica.settled()
    assert len(runs) == 5
    status = (await stores[0].status())["sla-scan"]
    assert (status["runs"], status["last_outcome"], status["last_detail"]) == (5, "ok", "scanned")


async def test_a_run_by_hand_does_not_overlap_a_running_one(stores):
    release = asyncio.Event()

    async def slow() -> str:
        await release.wait()
        return "done"

    job = Job("memory-upkeep", timedelta(hours=1), slow, "test")
    scheduled, by_hand = Scheduler([job], stores[0]), Scheduler([job], stores[1])
    assert await scheduled.start_due() == ["memory-upkeep"]
    assert await by_hand.run_now("memory-upkeep") == (
        "busy", "another run of this job holds its lease")
    release.set()
    await scheduled.settled()
    assert await by_hand.run_now("memory-upkeep") == ("ok", "done")
    with pytest.raises(UnknownJob):
        await by_hand.run_now("nope")


async def test_a_failed_run_is_recorded_and_retried_next_period(stores):
    clock, attempts = Clock(), []

    async def flaky() -> str:
        attempts.append(clock.now)
        if len(attempts) == 1:
            raise ConnectionError("smtp down")
        return "ok now"

    finished = []
    scheduler = Scheduler([Job("approval-reminders", timedelta(seconds=60), flaky, "test")],
                          stores[0], clock=clock,
                          on_finish=lambda job, outcome, _: finished.append((job, outcome)))
    await scheduler.start_due()
    await scheduler.settled()
    assert scheduler.readiness() == "degraded"
    status = (await stores[0].status())["approval-reminders"]
    assert (status["last_outcome"], status["last_detail"], status["failures"]) == (
        "error", "ConnectionError", 1)
    await scheduler.start_due()  # same period: not again
    clock.now += 60
    await scheduler.start_due()
    await scheduler.settled()
    assert len(attempts) == 2 and scheduler.readiness() is True
    assert finished == [("approval-reminders", "error"), ("approval-reminders", "ok")]
