"""A client that goes away mid-run cancels the run; nothing half-written is left behind."""

import asyncio

from fastmcp import Client

from tests.orchestrator.requests import PASSWORD


class StallingEngine:
    """The offline engine, except that drafting waits until the test lets it go."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = "stalling"
        self.reply_languages = inner.reply_languages
        self.drafting = asyncio.Event()
        self.cancelled = asyncio.Event()

    async def triage(self, request):
        return await self.inner.triage(request)

    async def draft(self, request):
        self.drafting.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled.set()
            raise

    async def review(self, request):
        return await self.inner.review(request)


async def test_cancelling_the_call_cancels_the_run_before_any_write(resolve_server,
                                                                    offline_engine):
    engine = StallingEngine(offline_engine)
    rig = resolve_server(engine=engine)
    async with Client(rig.server) as client:
        call = asyncio.create_task(client.call_tool("triage_and_resolve", PASSWORD))
        await asyncio.wait_for(engine.drafting.wait(), 30)
        call.cancel()
        await asyncio.wait_for(engine.cancelled.wait(), 30)
        async with Client(rig.crm) as crm:
            found = (
                await crm.call_tool("list_tickets", {"customer_id": "C-000002", "limit": 50})
            ).structured_content
    assert PASSWORD["subject"] not in [t["subject"] for t in found["tickets"]]
    assert not rig.publisher.of_type("request.resolved")
    assert not rig.publisher.of_type("request.failed")
