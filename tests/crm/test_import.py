"""Customers brought in from a helpdesk's CSV export: upserted by email, bad rows reported by
line number, a second run changing nothing — on SQLite and PostgreSQL, and by the command."""

from pathlib import Path

import pytest

from servers.cli import main
from servers.crm.importing import CustomerImportError, import_customers
from servers.crm.inputs import CustomerFilters

HUBSPOT = """\
First Name,Last Name,Email,Company Name,Plan,Tags
Ada,Byron,ada.byron@example.com,Engines Ltd,Enterprise,"vip, london"
Alan,Turing,ALAN@example.org,,Professional,
Broken,Email,not-an-email,,Pro,
Gold,Plan,gold@example.com,,Platinum,
No,Address,,,Free,
Grace,Hopper,grace@example.net,Navy,,
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


async def test_rows_are_upserted_by_email_and_bad_rows_named_by_line(crm, tenant, tmp_path,
                                                                     publisher):
    report = await import_customers(crm, tenant, write(tmp_path / "contacts.csv", HUBSPOT))
    assert report.outcomes == {"created": 3}
    assert report.errors == [
        "line 4: email: String should match pattern '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$'",
        "line 5: tier: 'Platinum' is not a known plan (e.g. enterprise, free, pro)",
        "line 6: email: missing",
    ]
    [ada] = (await crm.find_customers(tenant, CustomerFilters(email="ada.byron@"))).customers
    assert (ada.name, ada.company, ada.tier, ada.vip) == ("Ada Byron", "Engines Ltd",
                                                         "enterprise", True)
    [alan] = (await crm.find_customers(tenant, CustomerFilters(email="alan@example.org"))).customers
    assert (alan.tier, alan.vip, alan.company) == ("pro", False, None)
    [grace] = (await crm.find_customers(tenant, CustomerFilters(email="grace@"))).customers
    assert grace.tier == "free"  # no plan given: the configured default tier
    assert len(publisher.of_type("customer.created")) == 3


async def test_a_second_run_changes_nothing_and_a_changed_cell_updates_one(crm, tenant,
                                                                           tmp_path, publisher):
    file = write(tmp_path / "contacts.csv", HUBSPOT)
    await import_customers(crm, tenant, file)
    events = len(publisher.events)
    again = await import_customers(crm, tenant, file)
    assert again.outcomes == {"unchanged": 3} and len(publisher.events) == events
    write(file, HUBSPOT.replace("Engines Ltd", "Analytical Engines"))
    changed = await import_customers(crm, tenant, file)
    assert changed.outcomes == {"unchanged": 2, "updated": 1}
    [ada] = (await crm.find_customers(tenant, CustomerFilters(email="ada.byron@"))).customers
    assert ada.company == "Analytical Engines" and ada.version == 2
    [updated] = publisher.of_type("customer.updated")
    assert updated.payload["fields"] == ["company"]


async def test_other_column_names_are_mapped_explicitly(crm, tenant, tmp_path):
    file = write(tmp_path / "export.csv",
                 "Correo,Nombre,Empresa,Nivel\nlu@example.es,Lucía Pérez,Sol SA,business\n")
    with pytest.raises(CustomerImportError, match="no email column among Correo"):
        await import_customers(crm, tenant, file)
    with pytest.raises(CustomerImportError, match="--map: unknown field 'correo'"):
        await import_customers(crm, tenant, file, {"Correo": "correo"})
    report = await import_customers(crm, tenant, file, {"Correo": "email", "Nombre": "name",
                                                        "Empresa": "company", "Nivel": "tier"})
    assert report.outcomes == {"created": 1} and report.errors == []
    [lucia] = (await crm.find_customers(tenant, CustomerFilters(email="lu@example.es"))).customers
    assert (lucia.name, lucia.company, lucia.tier) == ("Lucía Pérez", "Sol SA", "pro")


def test_the_import_command_reports_rows_and_refuses_an_unusable_file(tmp_path, monkeypatch,
                                                                       capsys):
    monkeypatch.setenv("SUPPORTDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SUPPORTDESK_LOAD_DEMO_DATA", "false")
    file = write(tmp_path / "contacts.csv", HUBSPOT)
    assert main(["import", "customers", str(file), "--tenant", "acme"]) == 1
    err = capsys.readouterr().err
    assert "imported 3 customers (3 created); 3 rows skipped (tenant acme)" in err
    assert "line 5: tier: 'Platinum'" in err
    assert "ada.byron@example.com" not in err  # contact details stay out of the log
    assert main(["import", "customers", str(file), "--tenant", "acme"]) == 1
    assert "imported 3 customers (3 unchanged)" in capsys.readouterr().err
    headless = write(tmp_path / "names.csv", "Name\nAda\n")
    assert main(["import", "customers", str(headless)]) == 2
    assert capsys.readouterr().err.strip().endswith(
        "no email column among Name; name it with --map COLUMN=email")
