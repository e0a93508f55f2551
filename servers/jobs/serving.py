"""The scheduler of a served process: the jobs of the servers it serves plus the event log's
retention, leases in the orchestrator's database (shared by replicas when PostgreSQL)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import timedelta
from pathlib import Path

from events import EventBus
from servers.background import in_background
from servers.jobs.scheduler import Finished, Job, Scheduler
from servers.jobs.settings import JobsSettings
from servers.jobs.store import JobStore

Readiness = Callable[[], Awaitable[Mapping[str, bool | str]]]


def coordination_database(data_dir: Path) -> tuple[str, str | None]:
    """(URL, schema) of the database replicas take turns in (job leases, write turns):
    SUPPORTDESK_JOBS_DATABASE_URL, else the orchestrator's database."""
    from orchestrator.settings import OrchestratorSettings

    jobs, where = JobsSettings(), OrchestratorSettings()
    if jobs.database_url is not None:
        where = where.model_copy(update={"database_url": jobs.database_url})
    return where.runs_url(data_dir), where.database_schema


def scheduler_for(jobs: tuple[Job, ...], bus: EventBus | None, data_dir: Path,
                  on_finish: Finished | None = None) -> Scheduler:
    settings = JobsSettings()
    all_jobs = list(jobs)
    if bus is not None:
        async def retention() -> str:
            return f"{await bus.relay.apply_retention()} old events pruned"

        all_jobs.append(Job("event-retention", timedelta(seconds=settings.event_retention_seconds),
                            retention, "Prune the event log past its retention."))
    url, schema = coordination_database(data_dir)
    store = JobStore(url, schema=schema)
    return Scheduler(all_jobs, store, tick_seconds=settings.tick_seconds, on_finish=on_finish)


@contextlib.asynccontextmanager
async def running(scheduler: Scheduler, readiness: Readiness) -> AsyncIterator[Scheduler]:
    """Tick in the background once every backend answers; stop with the block."""

    async def ready() -> bool:
        try:
            return all(value is not False for value in (await readiness()).values())
        except Exception:  # not open yet
            return False

    async with in_background("job-scheduler", scheduler.store, lambda: scheduler.serve(ready),
                             scheduler.stop):
        yield scheduler


def jobs_detail(scheduler: Scheduler) -> Callable[[], Awaitable[dict]]:
    """For ``/readyz``: each job's last run (by any replica) and its outcome."""

    async def detail() -> dict:
        try:
            status = await scheduler.store.status()
        except Exception:  # the shared database is away: readiness says so already
            return {"jobs": "unknown (the shared database did not answer)"}
        return {"jobs": {
            name: {"last_run": (seen.get("last_finished").isoformat()
                                if seen.get("last_finished") else None),
                   "outcome": seen.get("last_outcome")}
            for name in scheduler.jobs for seen in [status.get(name, {})]
        }}

    return detail


def with_jobs(readiness: Readiness, scheduler: Scheduler) -> Readiness:
    """``/readyz`` with the jobs: "degraded" while a job's last run here failed."""

    async def checks() -> Mapping[str, bool | str]:
        return {**await readiness(), "jobs": scheduler.readiness()}

    return checks
