"""The CRM as plain async methods: what the MCP tools, the demo loader and the tests call.

Every method takes the tenant explicitly and touches only that tenant's rows; another tenant's
id is reported as not found. Writes run in one transaction each (the change and its audit
entry commit together or not at all) and publish their events once committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from events import Envelope, EventPublisher, NullPublisher
from servers.crm import customer_writes, cursors, service_level, ticket_writes
from servers.crm.errors import InvalidInput, NotFound, number_of
from servers.crm.inputs import (
    CustomerChanges,
    CustomerFilters,
    NewCustomer,
    NewMessage,
    NewNote,
    NewTicket,
    TicketChanges,
    TicketFilters,
)
from servers.crm.models import (
    AddedMessage,
    AddedNote,
    CreatedCustomer,
    CreatedTicket,
    Customer,
    CustomerPage,
    CustomerProfile,
    TicketDetail,
    TicketPage,
    Timeline,
    UpdatedCustomer,
    UpdatedTicket,
)
from servers.crm.store import audit, conversation, customers, tickets, timeline
from servers.crm.store import sla as sla_store
from servers.crm.store.database import CrmDatabase
from servers.crm.ticket_policy import FixedTargets, TicketPolicy
from servers.crm.vocabulary import CUSTOMER, TICKET, parse_id

logger = logging.getLogger(__name__)

RECENT_TICKETS = 10


def _utc_now() -> datetime:
    return datetime.now(UTC)


class CrmService:
    def __init__(
        self,
        database: CrmDatabase,
        *,
        publisher: EventPublisher | None = None,
        clock: Callable[[], datetime] = _utc_now,
        new_customer_tier: str = "free",
        policy: TicketPolicy | None = None,
    ) -> None:
        """``new_customer_tier``: the tier of a customer created without one; ``policy``:
        SLA targets and assignment (the CRM's fixed first-response targets without one)."""
        self.database = database
        self.policy: TicketPolicy = policy or FixedTargets()
        self.new_customer_tier = new_customer_tier
        self.publisher: EventPublisher = publisher or NullPublisher()
        self.clock = clock

    async def open(self) -> None:
        await self.database.open()

    async def close(self) -> None:
        await self.database.close()

    async def ready(self) -> bool:
        try:
            return await self.database.ping()
        except Exception:  # not open, or the database went away: not ready, whatever the cause
            return False

    async def is_empty(self) -> bool:
        async with self.database.read() as conn:
            return await customers.count_all(conn) == 0

    # --- reads -------------------------------------------------------------------------

    async def find_customers(
        self,
        tenant: str,
        filters: CustomerFilters = CustomerFilters(),  # noqa: B008 - immutable in use
        *,
        cursor: str | None = None,
        limit: int = 20,
    ) -> CustomerPage:
        after = cursors.decode("find_customers", cursor, (int,))[0] if cursor else None
        async with self.database.read() as conn:
            rows = await customers.find(conn, tenant, filters, after=after, limit=limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        return CustomerPage(
            customers=[customers.to_summary(row) for row in rows],
            next_cursor=cursors.encode("find_customers", rows[-1].id) if more else None,
        )

    async def get_customer(self, tenant: str, customer_id: str) -> CustomerProfile:
        number = number_of(CUSTOMER, "customer_id", "customer", customer_id)
        async with self.database.read() as conn:
            row = await customers.customer_row(conn, tenant, number)
            if row is None:
                raise NotFound("customer_id", "customer", customer_id)
            customer = customers.to_customer(
                row, await customers.external_ids_of(conn, tenant, number)
            )
            return await _profile(conn, tenant, number, customer)

    async def list_tickets(
        self,
        tenant: str,
        filters: TicketFilters | None = None,
        *,
        cursor: str | None = None,
        limit: int = 20,
    ) -> TicketPage:
        filters = filters or TicketFilters()
        if (
            filters.created_after is not None
            and filters.created_before is not None
            and filters.created_after >= filters.created_before
        ):
            raise InvalidInput("created_before: must be later than created_after")
        customer_number = None
        if filters.customer_id is not None:
            customer_number = parse_id(CUSTOMER, filters.customer_id)
            if customer_number is None:
                raise InvalidInput(f"customer_id: {filters.customer_id!r} is not a customer id")
        after = None
        if cursor:
            at, number = cursors.decode("list_tickets", cursor, (str, int))
            after = (cursors.decode_time("list_tickets", at), number)
        async with self.database.read() as conn:
            rows = await tickets.page(
                conn,
                tenant,
                filters,
                customer_number=customer_number,
                after=after,
                limit=limit + 1,
            )
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = None
        if more:
            last = rows[-1]
            next_cursor = cursors.encode(
                "list_tickets", cursors.encode_time(last.created_at), last.id
            )
        return TicketPage(
            tickets=[tickets.to_summary(row) for row in rows], next_cursor=next_cursor
        )

    async def get_ticket(self, tenant: str, ticket_id: str) -> TicketDetail:
        number = number_of(TICKET, "ticket_id", "ticket", ticket_id)
        async with self.database.read() as conn:
            row = await tickets.ticket_row(conn, tenant, number)
            if row is None:
                raise NotFound("ticket_id", "ticket", ticket_id)
            return TicketDetail(
                ticket=tickets.to_ticket(row),
                messages=await conversation.messages_of(conn, tenant, number),
                notes=await conversation.notes_of(conn, tenant, number),
                history=await audit.history_of_ticket(conn, tenant, number),
            )

    async def customer_timeline(
        self, tenant: str, customer_id: str, *, cursor: str | None = None, limit: int = 50
    ) -> Timeline:
        number = number_of(CUSTOMER, "customer_id", "customer", customer_id)
        before = None
        if cursor:
            at, rank, row_id = cursors.decode("customer_timeline", cursor, (str, int, int))
            before = (cursors.decode_time("customer_timeline", at), rank, row_id)
        async with self.database.read() as conn:
            if await customers.customer_row(conn, tenant, number) is None:
                raise NotFound("customer_id", "customer", customer_id)
            entries, last = await timeline.entries(conn, tenant, number, before=before, limit=limit)
        next_cursor = None
        if last is not None:
            next_cursor = cursors.encode(
                "customer_timeline", cursors.encode_time(last[0]), last[1], last[2]
            )
        return Timeline(customer_id=customer_id, entries=entries, next_cursor=next_cursor)

    # --- writes --------------------------------------------------------------------------

    async def create_customer(
        self, tenant: str, actor: str, new: NewCustomer, *, include_profile: bool = False
    ) -> CreatedCustomer:
        """Create a customer; one with the same email or external id is returned instead.

        ``include_profile``: with their profile too, so that identifying a returning customer
        and knowing their history is one call (one just created has none to read)."""

        async def with_profile(conn, found: CreatedCustomer) -> CreatedCustomer:
            number = number_of(CUSTOMER, "customer_id", "customer", found.customer.id)
            profile = await _profile(conn, tenant, number, found.customer)
            return found.model_copy(update={"profile": profile})

        done: CreatedCustomer = await self._committed(
            customer_writes.create_customer(
                self.database, self.clock(), tenant, actor, new, self.new_customer_tier,
                read_found=with_profile if include_profile else None,
            )
        )
        if not include_profile or done.profile is not None:  # a returning customer's, read
            return done
        if done.created:
            profile = CustomerProfile(customer=done.customer, subscriptions=[], open_tickets=0,
                                      recent_tickets=[])
            return done.model_copy(update={"profile": profile})
        async with self.database.read() as conn:  # found by the write: another created them
            return await with_profile(conn, done)

    async def update_customer(
        self,
        tenant: str,
        actor: str,
        customer_id: str,
        expected_version: int,
        changes: CustomerChanges,
    ) -> UpdatedCustomer:
        """Change fields if the customer is still at ``expected_version``, else VersionConflict."""
        return await self._committed(
            customer_writes.update_customer(
                self.database, self.clock(), tenant, actor, customer_id, expected_version,
                changes,
            )
        )

    async def create_ticket(self, tenant: str, actor: str, new: NewTicket) -> CreatedTicket:
        """Open a ticket; with a ``request_id`` seen before, return that ticket instead."""
        return await self._committed(
            ticket_writes.create_ticket(
                self.database, self.clock(), tenant, actor, new, self.policy)
        )

    async def update_ticket(
        self,
        tenant: str,
        actor: str,
        ticket_id: str,
        expected_version: int,
        changes: TicketChanges,
    ) -> UpdatedTicket:
        """Change fields if the ticket is still at ``expected_version``, else VersionConflict."""
        return await self._committed(
            ticket_writes.update_ticket(
                self.database, self.clock(), tenant, actor, ticket_id, expected_version, changes,
                self.policy,
            )
        )

    async def add_message(
        self, tenant: str, actor: str, ticket_id: str, new: NewMessage
    ) -> AddedMessage:
        return await self._committed(
            ticket_writes.add_message(self.database, self.clock(), tenant, actor, ticket_id,
                                      new, self.policy)
        )

    async def add_note(
        self, tenant: str, actor: str, ticket_id: str, new: NewNote
    ) -> AddedNote:
        """Add a note; with an ``idempotency_key`` seen before, return that note instead."""
        return await self._committed(
            ticket_writes.add_note(self.database, self.clock(), tenant, actor, ticket_id, new)
        )

    async def scan_sla(self) -> int:
        """Raise sla.warning and sla.breached for clocks running out, once each per ticket and
        target (a job; safe to run on every replica at once). How many it raised."""
        async with self.database.write() as conn:
            found = await service_level.scan(conn, self.policy, self.clock())
            to_publish = await self.database.stage_events(conn, found)
        await self._publish(to_publish)
        return len(found)

    async def sla_share(self, tenant: str, since: datetime) -> dict[str, int]:
        """Targets met and breached since ``since`` (for the share of SLAs met)."""
        async with self.database.read() as conn:
            return await sla_store.marks_since(conn, tenant, since)

    async def _committed(self, write):
        """Run one write transaction, then publish what it did not stage in its outbox.

        With the event bus (SQLite or PostgreSQL) the events were written in the transaction
        itself (the bus relays them); otherwise they are published right after the commit, and
        one whose publishing fails is logged (ids only) while the committed write stands.
        """
        outcome, events = await write
        await self._publish(events)
        return outcome

    async def _publish(self, events: list[Envelope]) -> None:
        if not events:
            return
        try:
            await self.publisher.publish(*events)
        except Exception:
            logger.exception(
                "publishing %s failed after commit",
                ", ".join(f"{event.type} {event.ticket_id or event.customer_id}"
                          for event in events),
            )


async def _profile(conn, tenant: str, number: int, customer: Customer) -> CustomerProfile:
    """``customer`` with their subscriptions and tickets, read in ``conn``."""
    recent, open_tickets = await tickets.recent_of_customer(conn, tenant, number,
                                                            RECENT_TICKETS)
    return CustomerProfile(
        customer=customer,
        subscriptions=await customers.subscriptions_of(conn, tenant, number),
        open_tickets=open_tickets,
        recent_tickets=[tickets.to_summary(ticket) for ticket in recent],
    )
