"""A store-backed worker run beside the servers for as long as a block lasts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Protocol


class Opens(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...


@asynccontextmanager
async def in_background(
    name: str, store: Opens, run: Callable[[], Awaitable[None]],
    stop: Callable[[], Awaitable[None]],
) -> AsyncIterator[None]:
    """Open ``store``, run ``run()`` as a task while the block lasts, then ``stop()`` it, wait
    for it to finish and close the store."""
    await store.open()
    task = asyncio.create_task(run(), name=name)
    try:
        yield
    finally:
        await stop()
        await task
        await store.close()
