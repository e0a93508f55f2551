"""A run's progress as its caller hears it: one report per agent step, rate-limited.

The MCP spec asks senders of progress notifications to rate-limit them. A step is reported
once the run has been going for ``every`` seconds, and then at most once per ``every``; the
count it carries says how many steps are done, the ones not reported included. An offline
resolution (tens of milliseconds) ends before a person could read a report: over HTTP its
seven notifications cost the server and each client a few milliseconds per resolution. An
LLM's steps take seconds, and each is reported.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

Progress = Callable[[float, float, str], Awaitable[None]]


def rate_limited(progress: Progress, every: float,
                 clock: Callable[[], float] = time.monotonic) -> Progress:
    """``progress``, passed on only when ``every`` seconds have gone by since the run began
    or since the last report passed on (``every`` 0: each report)."""
    last = clock()

    async def report(done: float, total: float, text: str) -> None:
        nonlocal last
        now = clock()
        if now - last < every:
            return
        last = now
        await progress(done, total, text)

    return report
