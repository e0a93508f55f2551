"""Live updates over real HTTP, in both eras: a client watching the pending approvals is told
when a request starts waiting and when it is decided; a client watching a ticket is told when
it changes; a resource nobody changed stays quiet."""

import asyncio
import contextlib
import warnings

import mcp_types
import pytest
from mcp.client.subscriptions import listen
from mcp.shared.exceptions import MCPDeprecationWarning

from tests.support.eras import LEGACY, MODERN, client_for
from tests.support.processes import http_server

pytestmark = pytest.mark.integration

PENDING = "workflow://approvals/pending"
REFUND = {"customer": "carmen@example.org", "subject": "Refund please",
          "message": "We paid twice this month. Can we get a refund?"}


@pytest.fixture(scope="module")
def served(tmp_path_factory, demo_kb_dir):
    from tests.support.processes import copy_tree

    data_dir = copy_tree(demo_kb_dir, tmp_path_factory.mktemp("live") / "data")
    with http_server("all", data_dir=data_dir) as server:
        yield server


class Watcher:
    """Resource updates one client receives, in either era."""

    def __init__(self) -> None:
        self.updated: list[str] = []
        self.arrived = asyncio.Event()

    async def __call__(self, message) -> None:  # a fastmcp message handler (2025-11-25)
        if isinstance(message, mcp_types.ResourceUpdatedNotification):
            self.updated.append(str(message.params.uri))
            self.arrived.set()

    async def until(self, uri: str, timeout: float = 20.0) -> None:
        async with asyncio.timeout(timeout):
            while uri not in self.updated:
                self.arrived.clear()
                await self.arrived.wait()


async def watch_modern(url: str, uris: list[str], watcher: Watcher, ready: asyncio.Event):
    async with client_for(url, MODERN) as client, \
            listen(client.session, resource_subscriptions=uris) as subscription:
        ready.set()
        async for event in subscription:
            watcher.updated.append(event.uri)
            watcher.arrived.set()


@contextlib.asynccontextmanager
async def watching(era: str, url: str, uris: list[str], watcher: Watcher):
    """Watch ``uris`` for the duration of the block, as a client of ``era`` does."""
    if era == MODERN:
        ready = asyncio.Event()
        task = asyncio.create_task(watch_modern(url, uris, watcher, ready))
        await asyncio.wait_for(ready.wait(), 20)
        try:
            yield
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        return
    async with client_for(url, LEGACY, message_handler=watcher) as client:
        with warnings.catch_warnings():  # resources/subscribe is how this era subscribes
            warnings.simplefilter("ignore", MCPDeprecationWarning)
            for uri in uris:
                await client.session.subscribe_resource(uri)
        yield


@pytest.mark.parametrize("era", [MODERN, LEGACY])
async def test_the_pending_approvals_watcher_is_told_of_a_wait_and_a_decision(served, era):
    watcher = Watcher()
    async with watching(era, served.mcp_url, [PENDING], watcher), \
            client_for(served.mcp_url, MODERN) as client:
        out = (await client.call_tool("triage_and_resolve", {
            **REFUND, "request_id": f"live-{era}"})).structured_content
        assert out["status"] == "pending_approval"
        await watcher.until(PENDING)
        watcher.updated.clear()
        await client.call_tool("workflow_decide_approval", {
            "approval_id": out["approval"]["approval_id"], "decision": "reject",
            "reason": "not eligible"})
        await watcher.until(PENDING)


@pytest.mark.parametrize("era", [MODERN, LEGACY])
async def test_a_ticket_watcher_is_told_when_the_ticket_changes(served, era):
    async with client_for(served.mcp_url, MODERN) as client:
        tickets = (await client.call_tool("crm_list_tickets", {"status": ["open"], "limit": 2})
                   ).structured_content["tickets"]
    watched, other = tickets
    uri = f"crm://tickets/{watched['id']}"
    watcher = Watcher()
    async with watching(era, served.mcp_url, [uri], watcher):
        async with client_for(served.mcp_url, MODERN) as client:
            await client.call_tool("crm_update_ticket", {
                "ticket_id": other["id"], "expected_version": other["version"],
                "tags": [f"unrelated-{era}"]})
            await client.call_tool("crm_update_ticket", {
                "ticket_id": watched["id"], "expected_version": watched["version"],
                "tags": [f"watched-{era}"]})
        await watcher.until(uri)
        assert f"crm://tickets/{other['id']}" not in watcher.updated
