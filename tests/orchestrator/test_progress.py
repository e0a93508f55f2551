"""A run's progress reports, rate-limited: the first once ``every`` has gone by, then at most
one per ``every``, each carrying the count of steps done so far."""

from orchestrator.progress import rate_limited


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_reports_pass_once_the_interval_has_gone_by_since_the_start_or_the_last():
    clock, heard = Clock(), []

    async def progress(done, total, text):
        heard.append((done, text))

    report = rate_limited(progress, 0.25, clock)
    for at, step in [(0.1, 1), (0.2, 2), (0.3, 3), (0.5, 4), (0.6, 5), (1.0, 6)]:
        clock.now = 100.0 + at
        await report(step, 7, f"step {step}")
    assert heard == [(3, "step 3"), (5, "step 5"), (6, "step 6")]


async def test_no_interval_passes_every_report():
    clock, heard = Clock(), []

    async def progress(done, total, text):
        heard.append(done)

    report = rate_limited(progress, 0.0, clock)
    for step in range(1, 8):
        await report(step, 7, "")
    assert heard == list(range(1, 8))
