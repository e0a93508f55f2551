"""What the knowledge-base, CRM and memory tools return, as the agents read it.

The graph's state holds plain JSON (any process can read a checkpoint another wrote), so these
are TypedDicts over the tools' structured output, naming the fields the agents use; the
servers' pydantic models are the source of truth for the full shape.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class KbPassage(TypedDict):
    """A ``kb_search`` hit: the best passage of one article."""

    article_id: str
    title: str
    heading: str
    text: str
    category: str
    score: float
    uri: str
    url: str | None
    beside_match: NotRequired[bool]
    """Research's own: the article's whole text, added beside the search's passage."""


class CustomerRecord(TypedDict, total=False):
    """A CRM customer (``crm_get_customer``'s ``customer``)."""

    id: str
    email: str | None
    name: str | None
    company: str | None
    tier: str
    vip: bool
    locale: str
    external_ids: list[str]
    version: int


class CustomerProfile(CustomerRecord, total=False):
    """The customer with their subscriptions and latest tickets, flat."""

    subscriptions: list[dict[str, Any]]
    recent_tickets: list[dict[str, Any]]


class TicketRecord(TypedDict, total=False):
    """A CRM ticket (``crm_create_ticket`` / ``crm_get_ticket``'s ``ticket``)."""

    id: str
    customer_id: str
    subject: str
    status: str
    priority: str
    category: str
    assignee: str | None
    assigned_group: str | None
    version: int


class MemoryContextRecord(TypedDict, total=False):
    """``memory_get_context``: the conversation's recent turns and relevant memories."""

    customer_id: str
    turns: list[dict[str, Any]]
    memories: list[dict[str, Any]]
    facts: dict[str, Any]
    text: str
