"""The CRM's customer writes, each one transaction: the change, its audit entry, and the
events it will publish once committed. ``CrmService`` calls these and publishes in one place."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio.engine import AsyncConnection

from events import make_event
from events.types import CustomerCreated, CustomerUpdated
from servers.crm.errors import CrmError, NotFound, VersionConflict, number_of
from servers.crm.inputs import CustomerChanges, NewCustomer
from servers.crm.models import CreatedCustomer, UpdatedCustomer
from servers.crm.once import Written
from servers.crm.store import audit, customers
from servers.crm.store.database import CrmDatabase
from servers.crm.vocabulary import CUSTOMER, format_id

ReadFound = Callable[[AsyncConnection, CreatedCustomer], Awaitable[CreatedCustomer]]


async def existing_customer(conn, tenant: str, new: NewCustomer):
    """The customer ``new`` already is: by email first, else by any of its external ids."""
    if new.email:
        row = await customers.by_email(conn, tenant, new.email)
        if row is not None:
            return row
    for value in new.external_ids:
        row = await customers.by_external_id(conn, tenant, value)
        if row is not None:
            return row
    return None


async def _as_customer(conn, tenant: str, row) -> CreatedCustomer:
    ids = await customers.external_ids_of(conn, tenant, row.id)
    return CreatedCustomer(customer=customers.to_customer(row, ids), created=False)


async def create_customer(
    db: CrmDatabase, now: datetime, tenant: str, actor: str, new: NewCustomer, default_tier: str,
    *, read_found: ReadFound | None = None,
) -> Written:
    """Create a customer once: the same email or external id again returns that customer.

    Concurrent first calls for one email create one customer: the unique constraints decide,
    and the loser reads the winner's row.

    ``read_found``: what else to read of a customer already there, in the same read (their
    profile); not called for one found only by the write, having lost a race to create it.
    """
    if not new.email and not new.external_ids:
        raise CrmError("email: give an email or at least one external id")
    async with db.read() as conn:
        row = await existing_customer(conn, tenant, new)
        if row is not None:
            found = await _as_customer(conn, tenant, row)
            return (await read_found(conn, found) if read_found else found), []
    tier = new.tier or default_tier
    try:
        async with db.write() as conn:
            row = await existing_customer(conn, tenant, new)
            if row is not None:
                return await _as_customer(conn, tenant, row), []
            row = await customers.insert_customer(
                conn,
                {
                    "tenant": tenant, "created_at": now, "name": new.display_name(),
                    "email": new.email, "phone": new.phone or None,
                    "company": new.company or None, "tier": tier, "vip": new.vip,
                    "locale": new.locale, "version": 1,
                },
            )
            await customers.set_external_ids(conn, tenant, row.id, new.external_ids)
            await audit.record(
                conn, tenant=tenant, actor=actor, action="customer.created", at=now,
                customer_number=row.id, after={"tier": tier, "vip": new.vip},
            )
            customer_id = format_id(CUSTOMER, row.id)
            identified_by = (["email"] if new.email else []) + sorted(
                {customers.split_external_id(v)[0] for v in new.external_ids}
            )
            event = make_event(
                CustomerCreated(customer_id=customer_id, tier=tier, vip=new.vip,
                                identified_by=identified_by),
                tenant=tenant, customer_id=customer_id,
            )
            to_publish = await db.stage_events(conn, [event])
    except IntegrityError:
        async with db.read() as conn:
            row = await existing_customer(conn, tenant, new)
            if row is None:
                raise
            return await _as_customer(conn, tenant, row), []
    customer = customers.to_customer(row, new.external_ids)
    return CreatedCustomer(customer=customer, created=True), to_publish


async def update_customer(
    db: CrmDatabase,
    now: datetime,
    tenant: str,
    actor: str,
    customer_id: str,
    expected_version: int,
    changes: CustomerChanges,
) -> Written:
    number = number_of(CUSTOMER, "customer_id", "customer", customer_id)
    wanted = changes.requested()
    if not wanted:
        raise CrmError(
            "changes: give at least one of email, name, phone, company, tier, vip, locale, "
            "external_ids"
        )
    try:
        async with db.write() as conn:
            row = await customers.customer_row(conn, tenant, number)
            if row is None:
                raise NotFound("customer_id", "customer", customer_id)
            if row.version != expected_version:
                raise VersionConflict("customer", customer_id, expected_version, row.version)
            before = {f: row._mapping[f] for f in wanted if f != "external_ids"}
            ids_before = await customers.external_ids_of(conn, tenant, number)
            before["external_ids"] = ids_before
            values = {f: v for f, v in wanted.items() if before.get(f) != v}
            if not values:
                customer = customers.to_customer(row, ids_before)
                return UpdatedCustomer(customer=customer, changes={}), []
            ids = values.pop("external_ids", None)
            updated = await customers.update_if_version(conn, tenant, number, expected_version,
                                                        values)
            if updated is None:  # another writer bumped the version after our read
                current = await customers.customer_row(conn, tenant, number)
                raise VersionConflict("customer", customer_id, expected_version,
                                      current.version if current else -1)
            if ids is not None:
                await _set_external_ids(conn, tenant, number, ids)
                values["external_ids"] = ids
            diff = {f: [before[f], values[f]] for f in values}
            await audit.record(
                conn, tenant=tenant, actor=actor, action="customer.updated", at=now,
                customer_number=number, before={f: d[0] for f, d in diff.items()},
                after={f: d[1] for f, d in diff.items()},
            )
            event = make_event(
                CustomerUpdated(customer_id=customer_id, version=updated.version,
                                fields=sorted(diff)),
                tenant=tenant, customer_id=customer_id,
            )
            to_publish = await db.stage_events(conn, [event])
            customer = customers.to_customer(updated, ids if ids is not None else ids_before)
    except IntegrityError:
        if "email" in wanted:
            raise CrmError("email: another customer already has this email") from None
        raise
    return UpdatedCustomer(customer=customer, changes=diff), to_publish


async def _set_external_ids(conn, tenant: str, number: int, ids: list[str]) -> None:
    for value in ids:
        owner = await customers.by_external_id(conn, tenant, value)
        if owner is not None and owner.id != number:
            raise CrmError(
                f"external_ids: {value!r} already belongs to customer "
                f"{format_id(CUSTOMER, owner.id)}"
            )
    await customers.set_external_ids(conn, tenant, number, ids)
