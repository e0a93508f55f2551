"""What a serving process keeps out of the garbage collector's full passes.

A full pass scans every tracked object, and requests wait while it runs. Start-up builds some
300,000 objects that live as long as the process (modules, models, schemas), and the lifespans
open more (stores, connection pools, the orchestrator's graph). With nothing frozen a full
pass over the suite took 0.1 s or more; frozen, they are no longer scanned.

What a server's first requests would otherwise load is loaded as soon as the lifespans open
(the embedding model, which a query's embedding would load on the event loop: 0.3–0.5 s here
in which no other request is served; the default tenant's search index; the tool schemas a
session's first listing works out), and before the freezing, so it is frozen too.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

from starlette.applications import Starlette

logger = logging.getLogger(__name__)

FREEZE_AFTER_SECONDS = 1.0


def freeze_what_exists() -> None:
    """One pass to clear the garbage made so far (so none of it is frozen), then freeze the
    rest and turn the collector on (``supportdesk`` starts with it off)."""
    gc.collect()
    gc.freeze()
    gc.enable()


async def warm(warm_ups: Sequence[Callable[[], Awaitable[object]]]) -> None:
    """Make each load; one that fails is left to the first request that needs it, which then
    reports the failure to its caller."""
    for warm_up in warm_ups:
        try:
            await warm_up()
        except Exception:
            logger.exception("loading ahead of the first request failed")


def frozen_once_open(app: Starlette, warm_ups: Sequence[Callable[[], Awaitable[object]]] = (),
                     after_seconds: float = FREEZE_AFTER_SECONDS) -> Starlette:
    """``app`` making ``warm_ups`` as soon as its lifespans have opened, and freezing what
    exists once they are made and ``after_seconds`` have passed.

    The freezing not before it reports ready: the pass that clears start-up's garbage takes
    about 0.15 s of a 2 s restart to ``/readyz``, which a restarted replica need not make its
    first requests wait for. Until then the collector stays off."""
    opening = app.router.lifespan_context

    async def warm_then_freeze() -> None:
        await asyncio.gather(warm(warm_ups), asyncio.sleep(after_seconds))
        freeze_what_exists()

    @asynccontextmanager
    async def lifespan(starlette: Starlette):
        async with opening(starlette) as state:
            freezing = asyncio.create_task(warm_then_freeze())
            try:
                yield state
            finally:
                freezing.cancel()

    app.router.lifespan_context = lifespan
    return app
