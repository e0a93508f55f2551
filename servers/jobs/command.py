"""``supportdesk jobs list`` and ``supportdesk jobs run NAME``: the scheduled jobs by hand."""

from __future__ import annotations

import sys
from contextlib import AsyncExitStack

from servers.settings import CoreSettings


async def list_jobs(core: CoreSettings) -> int:
    from events import EventSettings, bus_from_settings
    from servers.jobs.serving import scheduler_for
    from servers.suite import build

    core.data_dir.mkdir(parents=True, exist_ok=True)
    bus = bus_from_settings(EventSettings(), core.data_dir)
    scheduler = scheduler_for(build("all", core, bus).jobs, bus, core.data_dir)
    await scheduler.store.open()
    try:
        status = await scheduler.store.status()
    finally:
        await scheduler.store.close()
    for job in scheduler.jobs.values():
        seen = status.get(job.name, {})
        last = seen.get("last_finished")
        when = last.strftime("%Y-%m-%d %H:%M:%S UTC") if last else "never"
        outcome = seen.get("last_outcome") or "-"
        print(f"{job.name:<20} every {_every(job.every.total_seconds()):<6} last {when:<24} "
              f"{outcome:<6} {seen.get('last_detail') or ''}".rstrip())
        print(f"{'':<20} {job.description}")
    return 0


async def run_job(name: str, core: CoreSettings) -> int:
    """Open the suite in this process, run the job once (unless a run holds it), report."""
    from fastmcp import Client

    from events import EventSettings, bus_from_settings
    from servers.jobs.serving import scheduler_for
    from servers.suite import build

    bus = bus_from_settings(EventSettings(), core.data_dir)
    built = build("all", core, bus)
    scheduler = scheduler_for(built.jobs, bus, core.data_dir)
    if name not in scheduler.jobs:
        print(f"supportdesk jobs: no job {name!r}; `supportdesk jobs list` shows them",
              file=sys.stderr)
        return 2
    async with bus, AsyncExitStack() as stack:
        await stack.enter_async_context(Client(built.server))  # opens every store
        await scheduler.store.open()
        stack.push_async_callback(scheduler.store.close)
        outcome, detail = await scheduler.run_now(name)
    print(f"{name}: {outcome} — {detail}")
    return 0 if outcome == "ok" else 1


def _every(seconds: float) -> str:
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
