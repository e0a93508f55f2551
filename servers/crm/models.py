"""The CRM's data as callers see it: profiles, tickets, conversations, pages, outcomes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from servers.crm.vocabulary import (
    CUSTOMER,
    TICKET,
    AuthorType,
    Category,
    Channel,
    Priority,
    SubscriptionStatus,
    TicketStatus,
    Tier,
    id_pattern,
)

CustomerId = Annotated[
    str,
    StringConstraints(pattern=id_pattern(CUSTOMER)),
    Field(description="Customer id, e.g. 'C-000001'."),
]
TicketId = Annotated[
    str,
    StringConstraints(pattern=id_pattern(TICKET)),
    Field(description="Ticket id, e.g. 'T-000042'."),
]
Tag = Annotated[
    str,
    StringConstraints(min_length=1, max_length=40, strip_whitespace=True, to_lower=True),
    Field(description="A short label, e.g. 'refund' or 'ios'."),
]
ExternalId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,31}:[!-~]{1,200}$"),
    Field(
        description="Who the customer is in another system, as 'system:id', e.g. "
        "'chat:v_8f3a2c' (a chat widget's visitor id) or 'zendesk:39481'."
    ),
]
IdempotencyKey = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$"),
]


def customer_uri(customer_id: str) -> str:
    return f"crm://customers/{customer_id}"


def ticket_uri(ticket_id: str) -> str:
    return f"crm://tickets/{ticket_id}"


class Subscription(BaseModel):
    id: str = Field(description="Subscription id, e.g. 'S-000007'.")
    plan: str = Field(description="Plan: Free, Pro, Business or Enterprise.")
    amount: Decimal = Field(description="Price per billing period, exact (a decimal string).")
    currency: str = Field(description="ISO 4217 currency code, e.g. 'USD'.")
    status: SubscriptionStatus = Field(description="trialing, active, past_due or canceled.")
    renews_on: date | None = Field(description="Next renewal date; none once canceled.")
    started_at: datetime = Field(description="When the subscription started (UTC).")


class CustomerSummary(BaseModel):
    id: str = Field(description="Customer id, e.g. 'C-000001'.")
    name: str = Field(description="Full name.")
    email: str | None = Field(description="Email address; none yet for a chat visitor.")
    company: str | None = Field(description="Company, if any.")
    tier: Tier = Field(description="Support tier: free, pro or enterprise.")
    vip: bool = Field(description="VIP customers get extra care and faster escalation.")
    locale: str = Field(description="Preferred language/region, e.g. 'en-GB'.")
    created_at: datetime = Field(description="When the customer signed up (UTC).")
    version: int = Field(description="Pass this as expected_version to update_customer.")
    uri: str = Field(description="Resource URI: crm://customers/{id}.")


class Customer(CustomerSummary):
    phone: str | None = Field(description="Phone number, if known.")
    external_ids: list[str] = Field(
        default_factory=list, description="Ids in other systems, as 'system:id'."
    )


class TicketSummary(BaseModel):
    id: str = Field(description="Ticket id, e.g. 'T-000042'.")
    customer_id: str = Field(description="The customer who raised it.")
    subject: str = Field(description="One-line subject.")
    channel: Channel = Field(description="Where it came in: email, chat, web, phone or api.")
    status: TicketStatus = Field(description="new, open, pending, resolved or closed.")
    priority: Priority = Field(description="low, normal, high or urgent.")
    category: Category = Field(description="Support category (the knowledge base's).")
    assignee: str | None = Field(description="Agent or team it is assigned to, if any.")
    tags: list[str] = Field(description="Labels.")
    assigned_group: str | None = Field(default=None, description="Assignment group, if any.")
    sla_due_at: datetime = Field(
        description="First response due by (UTC), from the policy's SLA for the priority.")
    resolution_due_at: datetime | None = Field(
        default=None, description="Resolution due by (UTC); None where no target applies.")
    first_response_at: datetime | None = Field(
        default=None, description="When an agent first replied (stops the first clock).")
    resolved_at: datetime | None = Field(
        default=None, description="When it was first resolved or closed.")
    created_at: datetime = Field(description="When it was opened (UTC).")
    updated_at: datetime = Field(description="When it last changed (UTC).")
    version: int = Field(description="Pass this as expected_version to update_ticket.")
    uri: str = Field(description="Resource URI: crm://tickets/{id}.")


class Ticket(TicketSummary):
    body: str = Field(description="The customer's original request.")
    request_id: str | None = Field(description="Support request it was created for, if any.")


class CustomerProfile(BaseModel):
    customer: Customer
    subscriptions: list[Subscription] = Field(description="Current and past subscriptions.")
    open_tickets: int = Field(description="Tickets still new, open or pending.")
    recent_tickets: list[TicketSummary] = Field(description="Latest tickets, newest first.")


class CustomerPage(BaseModel):
    customers: list[CustomerSummary] = Field(description="Matching customers, oldest first.")
    next_cursor: str | None = Field(description="Pass as cursor for the next page; none at end.")


class TicketPage(BaseModel):
    tickets: list[TicketSummary] = Field(description="Matching tickets, newest first.")
    next_cursor: str | None = Field(description="Pass as cursor for the next page; none at end.")


class Message(BaseModel):
    id: str = Field(description="Message id, e.g. 'M-000310'.")
    ticket_id: str = Field(description="Ticket it belongs to.")
    author_type: AuthorType = Field(description="customer or agent.")
    author: str = Field(description="Who wrote it.")
    body: str = Field(description="The message text.")
    created_at: datetime = Field(description="When it was written (UTC).")


class Note(BaseModel):
    id: str = Field(description="Note id, e.g. 'N-000012'.")
    ticket_id: str = Field(description="Ticket it belongs to.")
    author: str = Field(description="Agent who wrote it.")
    body: str = Field(description="Internal note text; never shown to the customer.")
    created_at: datetime = Field(description="When it was written (UTC).")


class AuditEntry(BaseModel):
    at: datetime = Field(description="When the change happened (UTC).")
    action: str = Field(
        description="customer.created, customer.updated, ticket.created, ticket.updated, "
        "message.added, note.added."
    )
    actor: str = Field(description="Who made the change.")
    ticket_id: str | None = Field(description="Ticket changed, if any.")
    before: dict[str, Any] | None = Field(description="Changed fields before, if any.")
    after: dict[str, Any] | None = Field(description="Changed fields after, if any.")


class TicketDetail(BaseModel):
    ticket: Ticket
    messages: list[Message] = Field(description="The conversation, oldest first.")
    notes: list[Note] = Field(description="Internal notes, oldest first.")
    history: list[AuditEntry] = Field(description="Every change to the ticket, oldest first.")


class TimelineEntry(BaseModel):
    at: datetime = Field(description="When it happened (UTC).")
    kind: Literal[
        "customer_created",
        "customer_updated",
        "subscription_started",
        "ticket_created",
        "ticket_updated",
        "message",
        "note",
    ] = Field(description="What happened.")
    ticket_id: str | None = Field(description="Ticket concerned, if any.")
    summary: str = Field(description="One line describing it.")


class Timeline(BaseModel):
    customer_id: str = Field(description="Whose timeline this is.")
    entries: list[TimelineEntry] = Field(description="Newest first.")
    next_cursor: str | None = Field(description="Pass as cursor for older entries; none at end.")


class CreatedCustomer(BaseModel):
    customer: Customer
    created: bool = Field(
        description="False when a customer with this email or external id already existed "
        "(returned as it is; nothing changed)."
    )
    profile: CustomerProfile | None = Field(
        default=None,
        description="Asked for with include_profile: the customer's profile, as get_customer "
        "gives it (a customer just created has no subscriptions or tickets).",
    )


class UpdatedCustomer(BaseModel):
    customer: Customer
    changes: dict[str, list[Any]] = Field(
        description="Each changed field with [before, after]; empty when nothing changed."
    )


class AddedMessage(BaseModel):
    message: Message
    created: bool = Field(
        description="False when idempotency_key had already added this message (nothing new)."
    )
    ticket: Ticket | None = Field(
        default=None,
        description="The ticket as this message left it (with its new status, when one was "
        "given); null when idempotency_key had already added the message.",
    )


class CreatedTicket(BaseModel):
    ticket: Ticket = Field(description="The ticket as this call left it (after its reply).")
    created: bool = Field(
        description="False when request_id had already created this ticket (nothing new)."
    )
    reply: AddedMessage | None = Field(
        default=None,
        description="The reply given with `reply`: `created` false when reply_key had already "
        "added it. Its `ticket` is left out (it is `ticket` above).",
    )


class UpdatedTicket(BaseModel):
    ticket: Ticket
    changes: dict[str, list[Any]] = Field(
        description="Each changed field with [before, after]; empty when nothing changed."
    )


class AddedNote(BaseModel):
    note: Note
    created: bool = Field(
        description="False when idempotency_key had already added this note (nothing new)."
    )
