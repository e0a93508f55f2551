"""Clients that subscribe are told when what they watch changes, in the era each speaks.

- 2025-11-25: ``resources/subscribe`` / ``resources/unsubscribe`` on the session, then
  ``notifications/resources/updated`` on that session.
- 2026-07-28: ``subscriptions/listen`` with ``resourceSubscriptions``; the SDK's
  ``ListenHandler`` streams ``ResourceUpdated`` events published on a ``SubscriptionBus``.

Changes come from the process's event log, followed from its tail (live updates are not
replayed, as the spec says: a client re-reads on reconnect): a pending approval or a decision
updates ``workflow://approvals/pending``, a request's events its ``workflow://requests/{id}``,
a ticket's events its ``crm://tickets/{id}``. fastmcp 4 has no subscription API of its own,
so the handlers are registered on its low-level server.
"""

from __future__ import annotations

import asyncio
import logging
import weakref

from fastmcp import FastMCP
from mcp.server.subscriptions import InMemorySubscriptionBus, ListenHandler, ResourceUpdated
from mcp_types import (
    EmptyResult,
    SubscribeRequestParams,
    SubscriptionsListenRequestParams,
    UnsubscribeRequestParams,
)

from events import Envelope
from events.outbox import LogRecord

logger = logging.getLogger(__name__)
PENDING_APPROVALS = "workflow://approvals/pending"


def changed_resources(event: Envelope) -> list[str]:
    """The resource URIs an event changes."""
    uris = []
    if event.family == "approval":
        uris.append(PENDING_APPROVALS)
    if event.request_id and event.family in ("request", "approval"):
        uris.append(f"workflow://requests/{event.request_id}")
    if event.ticket_id and event.family in ("ticket", "sla"):
        uris.append(f"crm://tickets/{event.ticket_id}")
    return uris


class LiveUpdates:
    def __init__(self) -> None:
        self.bus = InMemorySubscriptionBus()
        self._listen = ListenHandler(self.bus)
        # connection -> the URIs it subscribed to; a connection that goes away drops out.
        self._connections: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        # connection -> its notification on the way (sent in the background: a stalled
        # client must not hold up the others).
        self._sending: dict = {}

    def attach(self, server: FastMCP) -> None:
        low_level = server._mcp_server  # fastmcp 4 exposes no public hook for these methods
        low_level.add_request_handler("resources/subscribe", SubscribeRequestParams,
                                      self._subscribe)
        low_level.add_request_handler("resources/unsubscribe", UnsubscribeRequestParams,
                                      self._unsubscribe)
        low_level.add_request_handler("subscriptions/listen", SubscriptionsListenRequestParams,
                                      self._listen)

    async def _subscribe(self, ctx, params: SubscribeRequestParams) -> EmptyResult:
        connection = _connection_of(ctx)
        if connection not in self._connections:
            connection.exit_stack.callback(self._connections.pop, connection, None)
        self._connections.setdefault(connection, set()).add(str(params.uri))
        return EmptyResult()

    async def _unsubscribe(self, ctx, params: UnsubscribeRequestParams) -> EmptyResult:
        self._connections.get(_connection_of(ctx), set()).discard(str(params.uri))
        return EmptyResult()

    async def changed(self, uri: str) -> None:
        """Tell every subscriber of ``uri``, in either era."""
        await self.bus.publish(ResourceUpdated(uri=uri))
        for connection, uris in list(self._connections.items()):
            if uri not in uris:
                continue
            if connection in self._sending:
                # Its last notification has not gone out yet: a client gone without
                # unsubscribing, whose stream nobody drains. Stop telling it.
                self._connections.pop(connection, None)
                continue
            task = asyncio.create_task(self._send(connection, uri))
            self._sending[connection] = task

    async def _send(self, connection, uri: str) -> None:
        try:
            await connection.send_resource_updated(uri)
        except Exception:  # the connection ended: forget it
            self._connections.pop(connection, None)
        finally:
            self._sending.pop(connection, None)

    async def on_record(self, record: LogRecord) -> None:
        """Turn an event appended to the log into resource updates (``events.tail``)."""
        for uri in dict.fromkeys(changed_resources(record.event)):
            await self.changed(uri)

    def close(self) -> None:
        self._listen.close()


def _connection_of(ctx):
    """The client's connection: ``ctx.session`` is a per-request proxy, and a subscription
    lives as long as the connection (the SDK keeps it private; no public accessor yet)."""
    return ctx.session._connection
