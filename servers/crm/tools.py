"""The CRM's tools and resources: each one hop from ``CrmService``.

Each tool takes who is calling from the request (``CURRENT_CALLER``) and passes the tenant to
the service: the tenant is never an argument a caller can set.
"""

from __future__ import annotations

from typing import Annotated

from fastmcp.resources import resource
from fastmcp.tools import tool
from mcp.types import ToolAnnotations
from pydantic import AwareDatetime, Field

from servers.crm.errors import CrmError
from servers.crm.inputs import (
    Assignee,
    Company,
    CustomerChanges,
    CustomerFilters,
    CustomerName,
    Email,
    ExternalIds,
    Locale,
    NewCustomer,
    Phone,
    NewMessage,
    NewNote,
    NewTicket,
    RequestId,
    Subject,
    Tags,
    Text,
    TicketChanges,
    TicketFilters,
)
from servers.crm.models import (
    AddedMessage,
    AddedNote,
    CreatedCustomer,
    CreatedTicket,
    CustomerId,
    CustomerPage,
    CustomerProfile,
    ExternalId,
    IdempotencyKey,
    TicketDetail,
    TicketId,
    TicketPage,
    Timeline,
    UpdatedCustomer,
    UpdatedTicket,
)
from servers.crm.service import CrmService
from servers.crm.vocabulary import (
    AuthorType,
    Category,
    Channel,
    Priority,
    TicketStatus,
    Tier,
)
from servers.auth import CRM_READ, CRM_WRITE
from servers.errors import caller_errors, resource_errors
from servers.identity import Caller
from servers.lifespan_context import CURRENT_CALLER, service

READ_ONLY = ToolAnnotations(
    readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False
)
# Not idempotent as a tool: without its key (request_id, idempotency_key) a repeat adds again.
APPENDS = ToolAnnotations(
    readOnlyHint=False, destructiveHint=False, idempotentHint=False, openWorldHint=False
)
# Re-sending the same update changes nothing more: the stale version is refused.
UPDATES = ToolAnnotations(
    readOnlyHint=False, destructiveHint=False, idempotentHint=True, openWorldHint=False
)

Cursor = Annotated[
    str | None,
    Field(max_length=512, description="next_cursor from the previous page; omit for page one."),
]
EmailQuery = Annotated[
    str | None, Field(min_length=1, max_length=320, description="Email or part of it: '@acme'.")
]
NameQuery = Annotated[
    str | None, Field(min_length=1, max_length=200, description="Name or part of it.")
]
CompanyQuery = Annotated[
    str | None, Field(min_length=1, max_length=200, description="Company or part of it.")
]
Statuses = Annotated[
    list[TicketStatus] | None, Field(max_length=5, description="Any of these statuses.")
]
Priorities = Annotated[
    list[Priority] | None, Field(max_length=4, description="Any of these priorities.")
]
AssigneeFilter = Annotated[
    Assignee | None,
    Field(description="Only tickets assigned to this agent or team; '' for unassigned ones."),
]
OpenedAfter = Annotated[
    AwareDatetime | None, Field(description="Opened at or after this time (ISO 8601, offset).")
]
OpenedBefore = Annotated[
    AwareDatetime | None, Field(description="Opened before this time (ISO 8601, offset).")
]
ExpectedVersion = Annotated[
    int, Field(ge=1, description="The ticket's `version` as you last read it.")
]
CustomerVersion = Annotated[
    int, Field(ge=1, description="The customer's `version` as you last read it.")
]
MessageAuthor = Annotated[
    str | None,
    Field(max_length=200, description="Who wrote it; defaults to you, or to the customer."),
]
MessageKey = Annotated[
    IdempotencyKey | None,
    Field(description="Repeating a call with this key returns the first message."),
]
NoteKey = Annotated[
    IdempotencyKey | None,
    Field(description="Repeating a call with this key returns the first note."),
]

CRM = service("crm")


@tool(annotations=READ_ONLY, tags={CRM_READ})
@caller_errors(CrmError)
async def find_customers(
    email: EmailQuery = None,
    name: NameQuery = None,
    company: CompanyQuery = None,
    tier: Annotated[Tier | None, Field(description="Only this tier.")] = None,
    vip: Annotated[bool | None, Field(description="Only VIPs (true) or non-VIPs.")] = None,
    external_id: Annotated[
        ExternalId | None, Field(description="Only the customer with this external id.")
    ] = None,
    cursor: Cursor = None,
    limit: Annotated[int, Field(ge=1, le=100, description="Most customers per page.")] = 20,
    service: CrmService = CRM,
    who: Caller = CURRENT_CALLER,
) -> CustomerPage:
    """Find customers by email, name or company (case-insensitive, partial matches), or
    by an external id ('system:id', exact).

    Filters combine with AND. Results come a page at a time: pass `next_cursor` back as
    `cursor` for more.
    """
    filters = CustomerFilters(email=email, name=name, company=company, tier=tier, vip=vip,
                              external_id=external_id)
    return await service.find_customers(who.tenant, filters, cursor=cursor, limit=limit)


@tool(annotations=READ_ONLY, tags={CRM_READ})
@caller_errors(CrmError)
async def get_customer(
    customer_id: CustomerId, service: CrmService = CRM, who: Caller = CURRENT_CALLER
) -> CustomerProfile:
    """Read a customer's profile: contact details, tier and VIP flag, subscriptions with
    amounts and renewal dates, how many tickets are open, and the latest tickets."""
    return await service.get_customer(who.tenant, customer_id)


@tool(annotations=READ_ONLY, tags={CRM_READ})
@caller_errors(CrmError)
async def list_tickets(
    status: Statuses = None,
    priority: Priorities = None,
    category: Annotated[Category | None, Field(description="Only this category.")] = None,
    customer_id: Annotated[
        CustomerId | None, Field(description="Only this customer's tickets.")
    ] = None,
    assignee: AssigneeFilter = None,
    created_after: OpenedAfter = None,
    created_before: OpenedBefore = None,
    cursor: Cursor = None,
    limit: Annotated[int, Field(ge=1, le=100, description="Most tickets per page.")] = 20,
    service: CrmService = CRM,
    who: Caller = CURRENT_CALLER,
) -> TicketPage:
    """List tickets, newest first, filtered by status, priority, category, customer,
    assignee and creation date. Pass `next_cursor` back as `cursor` for the next page."""
    filters = TicketFilters(
        status=status,
        priority=priority,
        category=category,
        customer_id=customer_id,
        assignee=assignee,
        created_after=created_after,
        created_before=created_before,
    )
    return await service.list_tickets(who.tenant, filters, cursor=cursor, limit=limit)


@tool(annotations=READ_ONLY, tags={CRM_READ})
@caller_errors(CrmError)
async def get_ticket(
    ticket_id: TicketId, service: CrmService = CRM, who: Caller = CURRENT_CALLER
) -> TicketDetail:
    """Read one ticket with its whole conversation, internal notes and change history.
    Its `version` is what `update_ticket` needs as `expected_version`."""
    return await service.get_ticket(who.tenant, ticket_id)


@tool(annotations=READ_ONLY, tags={CRM_READ})
@caller_errors(CrmError)
async def customer_timeline(
    customer_id: CustomerId,
    cursor: Cursor = None,
    limit: Annotated[int, Field(ge=1, le=200, description="Most entries per page.")] = 50,
    service: CrmService = CRM,
    who: Caller = CURRENT_CALLER,
) -> Timeline:
    """Everything that happened with a customer, newest first: sign-up, subscriptions,
    tickets opened, ticket changes, messages and internal notes."""
    return await service.customer_timeline(
        who.tenant, customer_id, cursor=cursor, limit=limit
    )


@tool(annotations=UPDATES, tags={CRM_WRITE})
@caller_errors(CrmError)
async def create_customer(
    email: Email | None = None,
    name: CustomerName | None = None,
    company: Company | None = None,
    phone: Phone | None = None,
    tier: Annotated[
        Tier | None, Field(description="Support tier; omitted: the configured default.")
    ] = None,
    vip: Annotated[bool, Field(description="VIP customers get extra care.")] = False,
    locale: Locale = "en-US",
    external_ids: ExternalIds = [],  # noqa: B006 - pydantic copies defaults
    include_profile: Annotated[bool, Field(
        description="Also return the customer's profile (subscriptions, open and recent "
        "tickets) as get_customer does: one call to identify a customer and know their history."
    )] = False,
    service: CrmService = CRM,
    who: Caller = CURRENT_CALLER,
) -> CreatedCustomer:
    """Add a customer, identified by an email, by external ids (e.g. a chat visitor id
    'chat:v_8f3a'), or both.

    Idempotent: if a customer already has this email (or, failing that, one of these
    external ids) that customer is returned unchanged with `created` false — use
    `update_customer` to change it.
    """
    new = NewCustomer(
        email=email, name=name, company=company, phone=phone, tier=tier, vip=vip,
        locale=locale, external_ids=external_ids,
    )
    return await service.create_customer(who.tenant, who.principal, new,
                                         include_profile=include_profile)


@tool(annotations=UPDATES, tags={CRM_WRITE})
@caller_errors(CrmError)
async def update_customer(
    customer_id: CustomerId,
    expected_version: CustomerVersion,
    email: Email | None = None,
    name: CustomerName | None = None,
    company: Company | None = None,
    phone: Phone | None = None,
    tier: Annotated[Tier | None, Field(description="New tier.")] = None,
    vip: Annotated[bool | None, Field(description="Set or clear the VIP flag.")] = None,
    locale: Locale | None = None,
    external_ids: Annotated[
        ExternalIds | None, Field(description="Replaces all external ids.")
    ] = None,
    service: CrmService = CRM,
    who: Caller = CURRENT_CALLER,
) -> UpdatedCustomer:
    """Change a customer's email, name, company, phone, tier, VIP flag, locale or
    external ids; omitted fields stay. Give a chat visitor their email this way: their
    tickets and history stay with them.

    Fails with a conflict if the customer is no longer at `expected_version`: read them
    again with `get_customer`. Returns the customer and each changed field as
    [before, after].
    """
    changes = CustomerChanges(
        email=email, name=name, company=company, phone=phone, tier=tier, vip=vip,
        locale=locale, external_ids=external_ids,
    )
    return await service.update_customer(
        who.tenant, who.principal, customer_id, expected_version, changes
    )


@tool(annotations=APPENDS, tags={CRM_WRITE})
@caller_errors(CrmError)
async def create_ticket(
    customer_id: CustomerId,
    subject: Subject,
    body: Annotated[Text, Field(description="The customer's request, in their words.")],
    category: Annotated[Category, Field(description="Support category.")],
    priority: Annotated[Priority, Field(description="Sets the SLA due time.")] = "normal",
    channel: Annotated[Channel, Field(description="Where the request came in.")] = "web",
    tags: Tags = [],  # noqa: B006 - pydantic copies defaults
    assignee: Assignee | None = None,
    request_id: RequestId | None = None,
    reply: Annotated[
        Text | None,
        Field(description="Your reply to the customer, added in the same write: a request "
              "answered as it is logged."),
    ] = None,
    reply_key: Annotated[
        IdempotencyKey | None,
        Field(description="With `reply`: repeating a call with this key adds the reply once."),
    ] = None,
    status: Annotated[
        TicketStatus | None,
        Field(description="With `reply`: the ticket's status after it ('resolved' answers and "
              "resolves at once)."),
    ] = None,
    service: CrmService = CRM,
    who: Caller = CURRENT_CALLER,
) -> CreatedTicket:
    """Open a ticket for a customer. It starts as 'new' with an SLA due time from its
    priority (urgent 1 h, high 4 h, normal 24 h, low 72 h).

    With a `request_id`, calling again (a retry) returns the ticket the first call
    created, with `created` false, instead of opening a second one.

    With a `reply`, your reply is added as add_message would add it (the first-response
    clock stops; `status`, if given, is set), in the same write as the ticket.
    """
    if reply is None and (reply_key is not None or status is not None):
        raise CrmError(f"{'reply_key' if reply_key is not None else 'status'}: "
                       "given only with a reply (set a status with update_ticket)")
    new = NewTicket(
        customer_id=customer_id,
        subject=subject,
        body=body,
        category=category,
        priority=priority,
        channel=channel,
        tags=tags,
        assignee=assignee or None,
        request_id=request_id,
        reply=None if reply is None else NewMessage(
            author_type="agent", body=reply, idempotency_key=reply_key, status=status),
    )
    return await service.create_ticket(who.tenant, who.principal, new)


@tool(annotations=UPDATES, tags={CRM_WRITE})
@caller_errors(CrmError)
async def update_ticket(
    ticket_id: TicketId,
    expected_version: ExpectedVersion,
    status: Annotated[TicketStatus | None, Field(description="New status.")] = None,
    priority: Annotated[
        Priority | None, Field(description="New priority; moves the SLA due time.")
    ] = None,
    category: Annotated[Category | None, Field(description="New category.")] = None,
    assignee: Annotated[
        Assignee | None, Field(description="New assignee; '' unassigns.")
    ] = None,
    group: Annotated[
        str | None,
        Field(min_length=1, max_length=80,
              description="Hand to this assignment group (the policy's); its next agent "
              "gets the ticket unless `assignee` is given."),
    ] = None,
    tags: Annotated[Tags | None, Field(description="Replaces all tags.")] = None,
    service: CrmService = CRM,
    who: Caller = CURRENT_CALLER,
) -> UpdatedTicket:
    """Change a ticket's status, priority, category, assignee, group or tags; omitted
    fields stay. A new priority moves the SLA due times; resolving stops the resolution
    clock.

    Fails with a conflict if the ticket is no longer at `expected_version` (someone else
    changed it): read it again with `get_ticket` and decide whether to retry. Returns the
    ticket and each changed field as [before, after].
    """
    changes = TicketChanges(
        status=status, priority=priority, category=category, assignee=assignee,
        group=group, tags=tags,
    )
    return await service.update_ticket(
        who.tenant, who.principal, ticket_id, expected_version, changes
    )


@tool(annotations=APPENDS, tags={CRM_WRITE})
@caller_errors(CrmError)
async def add_message(
    ticket_id: TicketId,
    body: Annotated[Text, Field(description="The message, as the customer will read it.")],
    author_type: Annotated[
        AuthorType, Field(description="'agent' for a reply, 'customer' for their turn.")
    ] = "agent",
    author: MessageAuthor = None,
    idempotency_key: MessageKey = None,
    status: Annotated[
        TicketStatus | None,
        Field(description="Also set the ticket to this status, in the same write: 'resolved' "
              "replies and resolves at once. Left out, the status stays."),
    ] = None,
    service: CrmService = CRM,
    who: Caller = CURRENT_CALLER,
) -> AddedMessage:
    """Add a turn to a ticket's conversation: an agent reply or a customer message. The
    first agent reply stops the ticket's first-response SLA clock. A repeat with the same
    `idempotency_key` changes nothing, the status included."""
    new = NewMessage(
        author_type=author_type, body=body, author=author, idempotency_key=idempotency_key,
        status=status,
    )
    return await service.add_message(who.tenant, who.principal, ticket_id, new)


@tool(annotations=APPENDS, tags={CRM_WRITE})
@caller_errors(CrmError)
async def add_note(
    ticket_id: TicketId,
    body: Annotated[Text, Field(description="Internal note; never shown to the customer.")],
    idempotency_key: NoteKey = None,
    service: CrmService = CRM,
    who: Caller = CURRENT_CALLER,
) -> AddedNote:
    """Add an internal note to a ticket, for agents only (findings, hand-over context).

    With an `idempotency_key`, calling again (a retry) returns the note the first call
    added, with `created` false, instead of adding a second one. A key stands for one
    note: using it again with another ticket or another body is an error.
    """
    new = NewNote(body=body, idempotency_key=idempotency_key)
    return await service.add_note(who.tenant, who.principal, ticket_id, new)


@resource("crm://customers/{customer_id}", mime_type="application/json", tags={CRM_READ})
@resource_errors(CrmError)
async def customer_resource(
    customer_id: str, service: CrmService = CRM, who: Caller = CURRENT_CALLER
) -> str:
    """A customer's profile with subscriptions and recent tickets."""
    return (await service.get_customer(who.tenant, customer_id)).model_dump_json()


@resource("crm://tickets/{ticket_id}", mime_type="application/json", tags={CRM_READ})
@resource_errors(CrmError)
async def ticket_resource(
    ticket_id: str, service: CrmService = CRM, who: Caller = CURRENT_CALLER
) -> str:
    """A ticket with its conversation, internal notes and history."""
    return (await service.get_ticket(who.tenant, ticket_id)).model_dump_json()


TOOLS = (
    find_customers, get_customer, list_tickets, get_ticket, customer_timeline, create_customer,
    update_customer, create_ticket, update_ticket, add_message, add_note,
)
RESOURCES = (customer_resource, ticket_resource)
