"""The knowledge-base, CRM and memory servers as the agents see them — over MCP only.

The same code talks to co-located servers (handed each request in process) and to remote ones
(streamable HTTP with a bearer token). Connections open once and are shared by all runs; each
run works through ``acting_for(caller)``, so co-located servers scope its calls to the
caller's tenant (remote ones to the tenant of the orchestrator's token).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any, cast

from fastmcp import Client, FastMCP
from fastmcp.client.transports import StreamableHttpTransport
from mcp.shared.exceptions import MCPError
from mcp.types import REQUEST_TIMEOUT, TextContent

from core.calls import CORRELATION_KEY, Caller
from orchestrator.same_process import SameProcessTransport
from orchestrator.support_records import (
    CustomerProfile,
    CustomerRecord,
    KbPassage,
    MemoryContextRecord,
    TicketRecord,
)


class SupportToolError(RuntimeError):
    """A server answered a tool call with an error."""


@dataclass(frozen=True)
class Target:
    """Where one server lives: an in-process FastMCP, or a URL with an optional token; and
    how long one call to it may take."""

    server: FastMCP | None = None
    url: str | None = None
    token: str | None = None
    call_timeout: float | None = None

    def client(self) -> Client:
        if self.server is not None:
            return Client(SameProcessTransport(self.server), timeout=self.call_timeout)
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else None
        return Client(StreamableHttpTransport(self.url, headers=headers),
                      timeout=self.call_timeout)


# update_ticket's argument -> the ticket field it sets, where the two names differ.
_TICKET_FIELD = {"group": "assigned_group"}


class SupportTools:
    def __init__(self, clients: Mapping[str, Client], meta: dict | None = None) -> None:
        self._clients = clients
        self._meta = meta

    def acting_for(self, caller: Caller, correlation: str | None = None) -> SupportTools:
        """The same connections, every call made on behalf of ``caller`` and logged under
        ``correlation`` (the run id) by the servers it reaches."""
        meta = caller.as_meta()
        if correlation:
            meta[CORRELATION_KEY] = correlation
        return SupportTools(self._clients, meta)

    @classmethod
    @asynccontextmanager
    async def connect(cls, targets: Mapping[str, Target]) -> AsyncIterator[SupportTools]:
        async with AsyncExitStack() as stack:
            clients = {
                name: await stack.enter_async_context(target.client())
                for name, target in targets.items()
            }
            yield cls(clients)

    async def _call(self, server: str, tool: str, **arguments: Any) -> dict[str, Any]:
        """The tool's structured output: the one place tool results are untyped JSON."""
        arguments = {k: v for k, v in arguments.items() if v is not None}
        # The protocol result as it came (a remote server's checked against the tool's
        # output schema): the agents read its JSON, so fastmcp's typed copy is not built.
        try:
            result = await self._clients[server].call_tool_mcp(tool, arguments, meta=self._meta)
        except MCPError as error:
            if error.error.code == REQUEST_TIMEOUT:  # transient: the agent's retry policy retries
                raise TimeoutError(f"{server}.{tool}: no answer in time") from error
            raise
        if result.is_error:
            said = [block.text for block in result.content if isinstance(block, TextContent)]
            raise SupportToolError(f"{server}.{tool}: {' '.join(said) or 'the tool failed'}")
        return result.structured_content or {}

    # knowledge base
    async def search_kb_reading_first(
        self, query: str, *, prefer_category: str | None = None, limit: int = 5,
    ) -> tuple[list[KbPassage], dict[str, str]]:
        """The knowledge base's hits for ``query`` (its best passage of each article), and
        the first hit's whole Markdown body by article id, brought by the same call (empty
        when nothing matched)."""
        result = await self._call("kb", "search", query=query[:2000],
                                  prefer_category=prefer_category, limit=limit,
                                  read_first=True)
        first = result.get("first_article")
        return (cast(list[KbPassage], result["hits"]),
                {first["id"]: first["body"]} if first else {})

    async def article_body(self, article_id: str) -> str:
        """An article's whole Markdown body; empty when it is gone (deleted since the search)."""
        try:
            article = await self._call("kb", "get_article", article_id=article_id)
        except SupportToolError:
            return ""
        return cast(str, article["body"])

    # CRM
    async def find_customer(self, customer_id: str) -> CustomerProfile | None:
        """A customer by CRM id, with their profile (read anyway); None when there is no such
        customer. One named by email is ``identify_customer``'s."""
        try:
            return await self.customer_profile(customer_id)
        except SupportToolError:
            return None

    async def identify_customer(
        self, email: str | None, external_id: str | None, name: str | None
    ) -> tuple[CustomerProfile, bool]:
        """The customer this email and/or external id names, created on first contact, with
        their profile: (customer, whether new). ``create_customer`` is idempotent by email and
        external id, so concurrent first requests from one person make one customer, and it
        returns the profile in the same call.

        A known customer missing the other identifier gets it (a chat visitor who now gives
        an email); when that identifier belongs to someone else the two are not merged.
        """
        created = await self._call(
            "crm", "create_customer", email=email, name=name,
            external_ids=[external_id] if external_id else None, include_profile=True,
        )
        profile = created["profile"]
        customer = cast(CustomerRecord, created["customer"])
        if created["created"]:
            return _flat(customer, profile), True
        changes: dict[str, Any] = {}
        if email and not customer.get("email"):
            changes["email"] = email
        if external_id and external_id not in customer.get("external_ids", []):
            changes["external_ids"] = [*customer.get("external_ids", []), external_id]
        if changes:
            try:
                updated = await self._call(
                    "crm", "update_customer", customer_id=customer["id"],
                    expected_version=customer["version"], **changes,
                )
                customer = cast(CustomerRecord, updated["customer"])
            except SupportToolError:
                pass  # taken by another customer, or changed meanwhile: serve as found
        return _flat(customer, profile), False

    async def customer_profile(self, customer_id: str) -> CustomerProfile:
        """The customer with their subscriptions and recent tickets, as one flat record."""
        profile = await self._call("crm", "get_customer", customer_id=customer_id)
        return _flat(profile["customer"], profile)

    async def ensure_ticket(self, *, idempotency_key: str, **fields: Any) -> TicketRecord:
        """The request's ticket: created on first call, the same one on every repeat."""
        created = await self._call("crm", "create_ticket", request_id=idempotency_key, **fields)
        return cast(TicketRecord, created["ticket"])

    async def ensure_answered_ticket(
        self, *, idempotency_key: str, reply: str, reply_key: str, status: str, **fields: Any
    ) -> tuple[TicketRecord, bool]:
        """The request's ticket with ``reply`` on it and set to ``status``, all in one write:
        no moment when the customer has the answer and the ticket still reads open. Created on
        first call; the reply is added once per ``reply_key`` (a repeat that already added it
        changes nothing). (The ticket as the call left it, whether the reply is new.)"""
        created = await self._call("crm", "create_ticket", request_id=idempotency_key,
                                   reply=reply, reply_key=reply_key[:128], status=status,
                                   **fields)
        return cast(TicketRecord, created["ticket"]), bool(created["reply"]["created"])

    async def add_note(self, ticket_id: str, body: str, *, idempotency_key: str) -> None:
        """Add an internal note once: a repeat with the same key finds it already there."""
        await self._call("crm", "add_note", ticket_id=ticket_id, body=body,
                         idempotency_key=idempotency_key[:128])

    async def set_ticket_state(self, ticket: TicketRecord, **wanted: Any) -> bool:
        """Bring the ticket to ``wanted``; False when it already is (a repeated step).

        ``ticket`` is the caller's recent copy (as ``ensure_ticket`` returned it), which saves
        a read; if someone changed the ticket since, it is read again and the change retried.
        """
        try:
            return await self._update_ticket(ticket, wanted)
        except SupportToolError:
            read = await self._call("crm", "get_ticket", ticket_id=ticket["id"])
            current = cast(TicketRecord, read["ticket"])
            if current["version"] == ticket["version"]:
                raise  # nobody changed it: the failure was something else
        return await self._update_ticket(current, wanted)

    async def _update_ticket(self, ticket: TicketRecord, wanted: dict[str, Any]) -> bool:
        changes = {k: v for k, v in wanted.items()
                   if v is not None and ticket.get(_TICKET_FIELD.get(k, k)) != v}
        if changes:
            await self._call("crm", "update_ticket", ticket_id=ticket["id"],
                             expected_version=ticket["version"], **changes)
        return bool(changes)

    # memory
    async def memory_context(
        self, customer_id: str, message: str, session_id: str
    ) -> MemoryContextRecord:
        """Recent turns of the conversation and the customer's relevant memories."""
        context = await self._call("memory", "get_context", customer_id=customer_id,
                                   message=message[:20_000], session_id=session_id)
        return cast(MemoryContextRecord, context)

    async def remember_resolution(self, customer_id: str, content: str, *, source: str) -> None:
        await self._call("memory", "remember", customer_id=customer_id, content=content,
                         kind="resolution", source=source)

    async def record_turns(
        self,
        customer_id: str,
        session_id: str,
        turns: list[tuple[str, str]],
        *,
        idempotency_key: str,
    ) -> int:
        """Append the run's turns in one call, each under ``{idempotency_key}:turn:{i}``: a
        repeated step (or one resumed after a crash part way) adds only what is missing.
        Nothing is read first. How many turns were new."""
        appended = await self._call(
            "memory", "append_turns", session_id=session_id, customer_id=customer_id,
            turns=[{"role": role, "content": content,
                    "idempotency_key": f"{idempotency_key}:turn:{i}"}
                   for i, (role, content) in enumerate(turns)],
        )
        return sum(appended.get("created", []))


def _flat(customer: CustomerRecord, profile: dict[str, Any]) -> CustomerProfile:
    """The customer record with their subscriptions and recent tickets beside its fields."""
    return cast(CustomerProfile, {**customer, "subscriptions": profile["subscriptions"],
                                  "recent_tickets": profile["recent_tickets"]})
