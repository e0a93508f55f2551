"""Customer rows and their subscriptions: lookups always scoped to one tenant.

The lookups every request makes are built once, their values bound as they run (see
``tickets``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Row, bindparam, delete, func, insert, select, update
from sqlalchemy.ext.asyncio.engine import AsyncConnection

from servers.crm.inputs import CustomerFilters
from servers.crm.models import Customer, CustomerSummary, Subscription, customer_uri
from servers.crm.store.tables import customer_external_ids, customers, subscriptions
from servers.crm.vocabulary import CURRENCY_EXPONENT, CUSTOMER, SUBSCRIPTION, format_id


def like_pattern(text: str) -> str:
    """A case-folded LIKE pattern matching ``text`` anywhere, wildcards in it taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fields(row: Row) -> dict[str, Any]:
    customer_id = format_id(CUSTOMER, row.id)
    return {
        "id": customer_id,
        "name": row.name,
        "email": row.email,
        "company": row.company,
        "tier": row.tier,
        "vip": row.vip,
        "locale": row.locale,
        "created_at": row.created_at,
        "version": row.version,
        "uri": customer_uri(customer_id),
    }


def to_customer(row: Row, external_ids: list[str] = ()) -> Customer:
    return Customer(**_fields(row), phone=row.phone, external_ids=list(external_ids))


def to_summary(row: Row) -> CustomerSummary:
    return CustomerSummary(**_fields(row))


_X = customer_external_ids.c
_INSERT = insert(customers).returning(*customers.c)
_BY_ID = select(customers).where(customers.c.tenant == bindparam("tenant"),
                                 customers.c.id == bindparam("number"))
_BY_EMAIL = select(customers).where(customers.c.tenant == bindparam("tenant"),
                                    customers.c.email == bindparam("email"))
_BY_EXTERNAL_ID = (
    select(customers)
    .join(customer_external_ids, _X.customer_id == customers.c.id)
    .where(_X.tenant == bindparam("tenant"), _X.system == bindparam("system"),
           _X.external_id == bindparam("external_id"))
)
_EXTERNAL_IDS_OF = (
    select(_X.system, _X.external_id)
    .where(_X.tenant == bindparam("tenant"), _X.customer_id == bindparam("number"))
    .order_by(_X.system, _X.external_id)
)
_SUBSCRIPTIONS_OF = (
    select(subscriptions)
    .where(subscriptions.c.tenant == bindparam("tenant"),
           subscriptions.c.customer_id == bindparam("number"))
    .order_by(subscriptions.c.started_at.desc(), subscriptions.c.id.desc())
)


async def insert_customer(conn: AsyncConnection, values: dict[str, Any]) -> Row:
    return (await conn.execute(_INSERT, values)).one()


def split_external_id(value: str) -> tuple[str, str]:
    """'chat:v_8f3a' -> ('chat', 'v_8f3a'): the system, then its id (which may hold ':')."""
    system, _, external = value.partition(":")
    return system, external


async def by_email(conn: AsyncConnection, tenant: str, email: str) -> Row | None:
    return (await conn.execute(_BY_EMAIL, {"tenant": tenant, "email": email})).first()


async def by_external_id(conn: AsyncConnection, tenant: str, value: str) -> Row | None:
    system, external = split_external_id(value)
    found = await conn.execute(
        _BY_EXTERNAL_ID, {"tenant": tenant, "system": system, "external_id": external})
    return found.first()


async def external_ids_of(conn: AsyncConnection, tenant: str, number: int) -> list[str]:
    found = await conn.execute(_EXTERNAL_IDS_OF, {"tenant": tenant, "number": number})
    return [f"{row.system}:{row.external_id}" for row in found.all()]


async def set_external_ids(
    conn: AsyncConnection, tenant: str, number: int, wanted: list[str]
) -> None:
    """Make the customer's external ids exactly ``wanted`` (another's id raises IntegrityError)."""
    x = customer_external_ids.c
    current = set(await external_ids_of(conn, tenant, number))
    for value in current - set(wanted):
        system, external = split_external_id(value)
        await conn.execute(
            delete(customer_external_ids).where(
                x.tenant == tenant, x.customer_id == number, x.system == system,
                x.external_id == external,
            )
        )
    for value in [v for v in wanted if v not in current]:
        system, external = split_external_id(value)
        await conn.execute(
            insert(customer_external_ids).values(
                tenant=tenant, customer_id=number, system=system, external_id=external
            )
        )


async def update_if_version(
    conn: AsyncConnection, tenant: str, number: int, expected: int, values: dict[str, Any]
) -> Row | None:
    """Apply ``values`` and bump the version if still at ``expected``; None if not."""
    c = customers.c
    updated = await conn.execute(
        update(customers)
        .where(c.tenant == tenant, c.id == number, c.version == expected)
        .values(**values, version=c.version + 1)
        .returning(*customers.c)
    )
    return updated.first()


async def count_all(conn: AsyncConnection) -> int:
    """Customers of every tenant: zero means a store nobody has used yet."""
    return int((await conn.execute(select(func.count()).select_from(customers))).scalar_one())


async def customer_row(conn: AsyncConnection, tenant: str, number: int) -> Row | None:
    return (await conn.execute(_BY_ID, {"tenant": tenant, "number": number})).first()


async def find(
    conn: AsyncConnection,
    tenant: str,
    filters: CustomerFilters,
    *,
    after: int | None = None,
    limit: int = 20,
) -> list[Row]:
    """Matching customers by id, from just after ``after``; substring matches ignore case."""
    query = select(customers).where(customers.c.tenant == tenant)
    email, name, company = filters.email, filters.name, filters.company
    tier, vip, external_id = filters.tier, filters.vip, filters.external_id
    if external_id:
        system, external = split_external_id(external_id)
        x = customer_external_ids.c
        query = query.join(customer_external_ids, x.customer_id == customers.c.id).where(
            x.tenant == tenant, x.system == system, x.external_id == external
        )
    if email:
        query = query.where(customers.c.email.like(like_pattern(email), escape="\\"))
    if name:
        query = query.where(func.lower(customers.c.name).like(like_pattern(name), escape="\\"))
    if company:
        query = query.where(
            func.lower(customers.c.company).like(like_pattern(company), escape="\\")
        )
    if tier:
        query = query.where(customers.c.tier == tier)
    if vip is not None:
        query = query.where(customers.c.vip == vip)
    if after is not None:
        query = query.where(customers.c.id > after)
    return list((await conn.execute(query.order_by(customers.c.id).limit(limit))).all())


def to_amount(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-CURRENCY_EXPONENT.get(currency, 2))


async def subscriptions_of(
    conn: AsyncConnection, tenant: str, customer_number: int
) -> list[Subscription]:
    found = await conn.execute(_SUBSCRIPTIONS_OF, {"tenant": tenant, "number": customer_number})
    return [
        Subscription(
            id=format_id(SUBSCRIPTION, row.id),
            plan=row.plan,
            amount=to_amount(row.amount_minor, row.currency),
            currency=row.currency,
            status=row.status,
            renews_on=row.renews_on,
            started_at=row.started_at,
        )
        for row in found.all()
    ]
