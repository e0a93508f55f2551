"""What callers hand the CRM: a new ticket, changes to one, filters for listing them.

The ``Annotated`` field types here are shared with the MCP tool signatures, so a value the
tool accepts is always a value these models accept.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints, field_validator

from core.email_address import EMAIL_PATTERN
from servers.crm.models import ExternalId, IdempotencyKey, Tag
from servers.crm.vocabulary import (
    AuthorType,
    Category,
    Channel,
    Priority,
    TicketStatus,
    Tier,
)

MAX_TAGS = 16
Subject = Annotated[
    str,
    StringConstraints(min_length=1, max_length=300, strip_whitespace=True),
    Field(description="One-line summary of the problem."),
]
Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=20_000, strip_whitespace=True),
    Field(description="Plain text, up to 20,000 characters."),
]
Tags = Annotated[list[Tag], Field(max_length=MAX_TAGS, description="Labels, at most 16.")]
Assignee = Annotated[
    str,
    StringConstraints(max_length=120, strip_whitespace=True),
    Field(description="Agent or team, e.g. 'maya.chen' or 'team-billing'; '' for nobody."),
]
RequestId = Annotated[
    IdempotencyKey,
    Field(description="Support request id: repeating a call with it returns the first result."),
]


def _unique(tags: list[str] | None) -> list[str] | None:
    return None if tags is None else list(dict.fromkeys(tags))


class NewMessage(BaseModel):
    author_type: AuthorType
    body: Text
    author: str | None = Field(default=None, max_length=200)
    idempotency_key: IdempotencyKey | None = None
    status: TicketStatus | None = None
    """The ticket's status after this message, set in the same write."""


class NewTicket(BaseModel):
    customer_id: str
    subject: Subject
    body: Text
    category: Category
    priority: Priority = "normal"
    channel: Channel = "web"
    tags: Tags = Field(default_factory=list)
    assignee: Assignee | None = None
    request_id: RequestId | None = None
    reply: NewMessage | None = None
    """An agent's reply added in the same write (a request answered as it is logged)."""

    _unique_tags = field_validator("tags")(_unique)


class TicketChanges(BaseModel):
    """Fields to change; None leaves a field as it is, an empty assignee unassigns."""

    status: TicketStatus | None = None
    priority: Priority | None = None
    category: Category | None = None
    assignee: Assignee | None = None
    group: str | None = Field(default=None, min_length=1, max_length=80)
    tags: Tags | None = None

    _unique_tags = field_validator("tags")(_unique)

    def requested(self) -> dict[str, object]:
        wanted = self.model_dump(exclude_none=True)
        if wanted.get("assignee") == "":
            wanted["assignee"] = None
        return wanted


class NewNote(BaseModel):
    body: Text
    idempotency_key: IdempotencyKey | None = None


class CustomerFilters(BaseModel):
    """Which customers: substring matches ignore case; every given filter must hold."""

    email: str | None = None
    name: str | None = None
    company: str | None = None
    tier: str | None = None
    vip: bool | None = None
    external_id: str | None = None


class TicketFilters(BaseModel):
    status: list[TicketStatus] | None = None
    priority: list[Priority] | None = None
    category: Category | None = None
    customer_id: str | None = None
    assignee: Assignee | None = None
    created_after: AwareDatetime | None = None
    created_before: AwareDatetime | None = None


Email = Annotated[
    str,
    StringConstraints(
        min_length=3, max_length=320, strip_whitespace=True, to_lower=True,
        pattern=EMAIL_PATTERN,
    ),
    Field(description="Email address, e.g. 'ana@example.com' (stored lower-cased)."),
]
CustomerName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, strip_whitespace=True),
    Field(description="Full name, e.g. 'Ana Lima'."),
]
Company = Annotated[
    str,
    StringConstraints(max_length=200, strip_whitespace=True),
    Field(description="Company or organisation; '' for none."),
]
Phone = Annotated[
    str,
    StringConstraints(max_length=40, strip_whitespace=True),
    Field(description="Phone number; '' for none."),
]
Locale = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"),
    Field(description="Preferred language/region (BCP 47), e.g. 'en-GB' or 'es'."),
]
ExternalIds = Annotated[
    list[ExternalId],
    Field(max_length=16, description="Ids in other systems, as 'system:id' (at most 16)."),
]


def _unique_ids(ids: list[str] | None) -> list[str] | None:
    return None if ids is None else list(dict.fromkeys(ids))


class NewCustomer(BaseModel):
    """A customer to create: an email or an external id says who they are (at least one)."""

    email: Email | None = None
    name: CustomerName | None = None
    phone: Phone | None = None
    company: Company | None = None
    tier: Tier | None = None
    vip: bool = False
    locale: Locale = "en-US"
    external_ids: ExternalIds = Field(default_factory=list)

    _unique_ids = field_validator("external_ids")(_unique_ids)

    def display_name(self) -> str:
        """The name to store: given, else the email's local part, else the visitor id."""
        if self.name:
            return self.name
        if self.email:
            return self.email.split("@", 1)[0]
        return f"Visitor {self.external_ids[0].split(':', 1)[1]}"[:200]


class CustomerChanges(BaseModel):
    """Fields to change; None leaves a field as it is, '' clears company or phone."""

    email: Email | None = None
    name: CustomerName | None = None
    phone: Phone | None = None
    company: Company | None = None
    tier: Tier | None = None
    vip: bool | None = None
    locale: Locale | None = None
    external_ids: ExternalIds | None = None

    _unique_ids = field_validator("external_ids")(_unique_ids)

    def requested(self) -> dict[str, object]:
        wanted = self.model_dump(exclude_none=True)
        for field in ("company", "phone"):
            if wanted.get(field) == "":
                wanted[field] = None
        return wanted
