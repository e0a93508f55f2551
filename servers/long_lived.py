"""What a serving process keeps out of the garbage collector's full passes.

A full pass scans every tracked object, and requests wait while it runs. Start-up builds some
300,000 objects that live as long as the process (modules, models, schemas), and the lifespans
open more (stores, connection pools, the orchestrator's graph). With nothing frozen a full
pass over the suite took 0.1 s or more; frozen, they are no longer scanned.
"""

from __future__ import annotations

import asyncio
import gc
from contextlib import asynccontextmanager

from starlette.applications import Starlette

FREEZE_AFTER_SECONDS = 1.0


def freeze_what_exists() -> None:
    """One pass to clear the garbage made so far (so none of it is frozen), then freeze the
    rest and turn the collector on (``supportdesk`` starts with it off)."""
    gc.collect()
    gc.freeze()
    gc.enable()


def frozen_once_open(app: Starlette, after_seconds: float = FREEZE_AFTER_SECONDS) -> Starlette:
    """``app`` freezing what exists ``after_seconds`` after its lifespans have opened.

    Not before it reports ready: the pass that clears start-up's garbage takes about 0.15 s
    of a 2 s restart to ``/readyz``, which a restarted replica need not make its first
    requests wait for. Until then the collector stays off."""
    opening = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(starlette: Starlette):
        async with opening(starlette) as state:
            freezing = asyncio.get_running_loop().call_later(after_seconds, freeze_what_exists)
            try:
                yield state
            finally:
                freezing.cancel()

    app.router.lifespan_context = lifespan
    return app
