"""Following the local event log from now on: each new record, in order, to every handler
(live resource updates, event metrics), until the block ends."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from events.outbox import LogRecord, Outbox, wait_for_rows

Handler = Callable[[LogRecord], Awaitable[None]]
logger = logging.getLogger(__name__)


async def follow_log(outbox: Outbox, stopping: asyncio.Event, handlers: list[Handler]) -> None:
    """Hand each record appended to ``outbox`` from now on to ``handlers``."""
    appended = outbox.listen()
    try:
        position = await outbox.last_seq()
        while not stopping.is_set():
            appended.clear()
            records = await outbox.read(position, 200)
            if not records:
                await wait_for_rows(appended, stopping, 1.0)
                continue
            for record in records:
                position = record.seq
                for handle in handlers:
                    try:
                        await handle(record)
                    except Exception:  # one handler's fault must not stop the others
                        logger.warning("event log handler failed", exc_info=True)
    finally:
        outbox.unlisten(appended)


@contextlib.asynccontextmanager
async def tailing(outbox: Outbox, *handlers: Handler) -> AsyncIterator[None]:
    stopping = asyncio.Event()
    task = asyncio.create_task(follow_log(outbox, stopping, list(handlers)), name="log-tail")
    try:
        yield
    finally:
        stopping.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 5)
