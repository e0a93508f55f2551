"""The periodic work of a support system, inside ``supportdesk serve``: each job runs once per
period across every replica (``JobStore`` decides who), its outcome recorded where ``jobs
list``, ``/readyz`` and ``/metrics`` read it. Nothing MCP here."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from events.lease import new_owner_id
from servers.jobs.store import JobStore

logger = logging.getLogger(__name__)

Finished = Callable[[str, str, float], None]
"""(job, outcome 'ok'/'error', seconds) — for metrics."""


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[], Awaitable[str]]
    """Does the work; returns a short, PII-free account of it ("3 alerts raised")."""
    description: str


class UnknownJob(LookupError):
    pass


class Scheduler:
    def __init__(
        self, jobs: list[Job], store: JobStore, *, tick_seconds: float = 1.0,
        clock: Callable[[], float] = time.time, on_finish: Finished | None = None,
    ) -> None:
        self.jobs: Mapping[str, Job] = {job.name: job for job in jobs}
        self.store = store
        self.owner = new_owner_id()
        self.tick_seconds = tick_seconds
        self.clock = clock
        self.on_finish = on_finish
        self._seen: dict[str, int] = {}
        self._running: dict[str, asyncio.Task] = {}
        self._last_outcome: dict[str, str] = {}
        self._stopping = asyncio.Event()

    def period_of(self, job: Job) -> int:
        return int(self.clock() // job.every.total_seconds())

    async def start_due(self) -> list[str]:
        """Start every job whose period this replica has not yet seen and that no other
        replica took; returns the names started (their runs go on in the background)."""
        started = []
        for job in self.jobs.values():
            period = self.period_of(job)
            if period <= self._seen.get(job.name, -1) or job.name in self._running:
                continue
            self._seen[job.name] = period
            if await self.store.claim_period(job.name, period, self.owner, job.every):
                task = asyncio.create_task(self._run(job), name=f"job-{job.name}")
                self._running[job.name] = task
                task.add_done_callback(lambda _, name=job.name: self._running.pop(name, None))
                started.append(job.name)
        return started

    async def settled(self) -> None:
        """Until every run this replica started has finished."""
        await asyncio.gather(*self._running.values(), return_exceptions=True)

    async def run_now(self, name: str) -> tuple[str, str]:
        """Run one job here and now (``supportdesk jobs run``), unless a run holds it."""
        job = self.jobs.get(name)
        if job is None:
            raise UnknownJob(name)
        if not await self.store.claim_now(name, self.owner, job.every):
            return "busy", "another run of this job holds its lease"
        return await self._run(job)

    async def _run(self, job: Job) -> tuple[str, str]:
        started = time.perf_counter()
        try:
            detail, outcome = await job.run(), "ok"
        except Exception as error:  # a job's failure is recorded and retried next period
            detail, outcome = type(error).__name__, "error"
            logger.warning("job %s failed", job.name, exc_info=True)
        seconds = time.perf_counter() - started
        self._last_outcome[job.name] = outcome
        await self.store.finish(job.name, self.owner, outcome, detail)
        if self.on_finish is not None:
            self.on_finish(job.name, outcome, seconds)
        return outcome, detail

    async def serve(self, ready: Callable[[], Awaitable[bool]] | None = None) -> None:
        """Tick until ``stop``: first wait until the servers are open, then start due jobs."""
        while ready is not None and not await ready():
            if await self._pause(0.2):
                return
        while not self._stopping.is_set():
            try:
                await self.start_due()
            except Exception:  # the shared store blinked: try again next tick
                logger.warning("job scheduler: tick failed", exc_info=True)
            if await self._pause(self.tick_seconds):
                break
        for task in list(self._running.values()):
            task.cancel()
        await asyncio.gather(*self._running.values(), return_exceptions=True)

    async def stop(self) -> None:
        self._stopping.set()

    async def _pause(self, seconds: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
        return self._stopping.is_set()

    def readiness(self) -> bool | str:
        """Ready; "degraded" while a job's last run here failed (it still serves)."""
        return "degraded" if "error" in self._last_outcome.values() else True
