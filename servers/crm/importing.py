"""Bring a team's customers in from a CSV export of their helpdesk or CRM, idempotently.

Columns are recognised by the names the common exports use (Zendesk, Intercom, HubSpot,
Freshdesk, Salesforce: 'Email', 'Full name' or 'First name' + 'Last name', 'Company' or
'Organization', 'Plan' or 'Tier', 'VIP' or a 'vip' tag); ``--map COLUMN=FIELD`` names others.
Each row is upserted by email: a new email creates the customer, a known one is updated only
where the file says something else, so a second run changes nothing. A row that cannot be
used is reported with its line number and reason; the other rows go in.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from servers.crm.errors import CrmError
from servers.crm.inputs import CustomerChanges, NewCustomer
from servers.crm.service import CrmService

FIELDS = ("email", "name", "first_name", "last_name", "company", "tier", "vip", "tags",
          "phone", "locale", "external_id")
ALIASES: dict[str, tuple[str, ...]] = {
    "email": ("email", "e-mail", "email address", "primary email", "contact email",
              "user email", "requester email"),
    "name": ("name", "full name", "contact name", "customer name", "display name"),
    "first_name": ("first name", "firstname", "given name"),
    "last_name": ("last name", "lastname", "surname", "family name"),
    "company": ("company", "company name", "organization", "organisation",
                "organization name", "account name", "account"),
    "tier": ("tier", "plan", "support tier", "subscription", "subscription plan", "plan name"),
    "vip": ("vip", "is vip", "vip customer"),
    "tags": ("tags", "labels", "segments"),
    "phone": ("phone", "phone number", "mobile", "telephone"),
    "locale": ("locale", "language", "preferred language"),
    "external_id": ("external id", "external_id", "user id", "contact id", "id"),
}
PLANS = {
    "free": "free", "starter": "free", "basic": "free", "trial": "free", "lite": "free",
    "pro": "pro", "professional": "pro", "business": "pro", "team": "pro", "growth": "pro",
    "plus": "pro", "premium": "pro", "standard": "pro",
    "enterprise": "enterprise", "ent": "enterprise", "corporate": "enterprise",
}
TRUE, FALSE = {"true", "yes", "y", "1", "x", "vip"}, {"false", "no", "n", "0", ""}


class CustomerImportError(ValueError):
    """The file as a whole cannot be imported (no email column, a bad --map); names why."""


@dataclass
class ImportReport:
    outcomes: Counter = field(default_factory=Counter)
    """created / updated / unchanged."""
    errors: list[str] = field(default_factory=list)
    """One line per row not imported: 'line N: field: reason'."""

    def summary(self) -> str:
        counts = ", ".join(f"{n} {what}" for what, n in sorted(self.outcomes.items()))
        return (f"imported {sum(self.outcomes.values())} customers ({counts or 'none'}); "
                f"{len(self.errors)} rows skipped")


def column_map(header: list[str], overrides: dict[str, str]) -> dict[str, str]:
    """Field -> column, from the file's header and the caller's explicit ``overrides``
    (column -> field)."""
    unknown = sorted(set(overrides.values()) - set(FIELDS))
    if unknown:
        raise CustomerImportError(f"--map: unknown field {unknown[0]!r}; fields: {', '.join(FIELDS)}")
    missing = sorted(set(overrides) - set(header))
    if missing:
        raise CustomerImportError(f"--map: the file has no column {missing[0]!r}")
    mapping = {target: column for column, target in overrides.items()}
    by_name = {column.strip().lower(): column for column in header}
    for target, names in ALIASES.items():
        if target in mapping:
            continue
        found = next((by_name[n] for n in names if n in by_name
                      and by_name[n] not in mapping.values()), None)
        if found is not None:
            mapping[target] = found
    if "email" not in mapping:
        raise CustomerImportError(
            f"no email column among {', '.join(header)}; name it with --map COLUMN=email"
        )
    return mapping


def _tier(value: str) -> str | None:
    if not value.strip():
        return None
    tier = PLANS.get(value.strip().lower())
    if tier is None:
        raise ValueError(f"tier: {value.strip()!r} is not a known plan "
                         f"(e.g. {', '.join(sorted(set(PLANS.values())))})")
    return tier


def _vip(value: str | None, tags: str | None) -> bool:
    if value is not None:
        flag = value.strip().lower()
        if flag not in TRUE | FALSE:
            raise ValueError(f"vip: {value.strip()!r} is neither yes nor no")
        return flag in TRUE
    return "vip" in {tag.strip().lower() for tag in (tags or "").replace(";", ",").split(",")}


def row_to_customer(row: dict[str, str], mapping: dict[str, str]) -> NewCustomer:
    """One CSV row as a customer; ValueError names the field at fault."""
    get = {target: (row.get(column) or "").strip() for target, column in mapping.items()}
    name = get.get("name") or " ".join(
        part for part in (get.get("first_name"), get.get("last_name")) if part
    )
    external = get.get("external_id")
    try:
        return NewCustomer(
            email=get.get("email") or None,
            name=name or None,
            company=get.get("company") or None,
            phone=get.get("phone") or None,
            tier=_tier(get.get("tier", "")),
            vip=_vip(row.get(mapping["vip"]) if "vip" in mapping else None, get.get("tags")),
            locale=get.get("locale") or "en-US",
            external_ids=[external] if external and ":" in external else [],
        )
    except ValidationError as error:
        first = error.errors()[0]
        raise ValueError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None


def _changes(existing, new: NewCustomer) -> CustomerChanges | None:
    """What the row says differently from the stored customer (blank cells say nothing)."""
    wanted = {
        "name": new.name, "company": new.company, "phone": new.phone, "tier": new.tier,
        "locale": new.locale if new.locale != "en-US" else None,
    }
    changed = {k: v for k, v in wanted.items() if v is not None and getattr(existing, k) != v}
    if new.vip and not existing.vip:
        changed["vip"] = True
    return CustomerChanges(**changed) if changed else None


async def import_customers(
    crm: CrmService,
    tenant: str,
    path: Path,
    overrides: dict[str, str] | None = None,
    *,
    actor: str = "import",
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Upsert every row of ``path`` into ``tenant`` by email."""
    report = ImportReport()
    with path.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        mapping = column_map(list(reader.fieldnames or []), overrides or {})
        for row in reader:
            line = reader.line_num
            try:
                new = row_to_customer(row, mapping)
                if new.email is None:
                    raise ValueError("email: missing")
                report.outcomes[await _upsert(crm, tenant, actor, new)] += 1
            except (ValueError, CrmError) as error:
                report.errors.append(f"line {line}: {error}")
            if progress is not None:
                progress(1)
    return report


async def _upsert(crm: CrmService, tenant: str, actor: str, new: NewCustomer) -> str:
    created = await crm.create_customer(tenant, actor, new)
    if created.created:
        return "created"
    changes = _changes(created.customer, new)
    if changes is None:
        return "unchanged"
    await crm.update_customer(tenant, actor, created.customer.id, created.customer.version,
                              changes)
    return "updated"
