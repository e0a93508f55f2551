"""Where the CRM keeps its data, as settings and the environment say."""

from pathlib import Path

import pytest

from servers.crm.settings import CrmSettings
from servers.crm.store.database import CrmDatabase


def test_without_a_url_the_crm_lives_in_sqlite_in_the_data_directory(monkeypatch):
    monkeypatch.delenv("SUPPORTDESK_CRM_DATABASE_URL", raising=False)
    database = CrmDatabase.from_settings(CrmSettings(), Path("/srv/supportdesk"))
    assert database.describe() == "sqlite+aiosqlite:////srv/supportdesk/crm.db"


def test_the_environment_points_the_crm_at_postgresql(monkeypatch):
    monkeypatch.setenv("SUPPORTDESK_CRM_DATABASE_URL", "postgresql://crm:s3cret@db.internal/crm")
    monkeypatch.setenv("SUPPORTDESK_CRM_DATABASE_SCHEMA", "tenant_data")
    monkeypatch.setenv("SUPPORTDESK_CRM_POOL_SIZE", "12")
    settings = CrmSettings()
    database = CrmDatabase.from_settings(settings, Path("/unused"))
    assert (database.dialect, database.schema, settings.pool_size) == (
        "postgresql", "tenant_data", 12
    )
    # The async driver is implied, and the password never shows in what gets logged.
    assert database.describe() == "postgresql+asyncpg://crm:***@db.internal/crm"


@pytest.mark.parametrize(("name", "value"), [("DATABASE_SCHEMA", "Robert'); DROP"),
                                             ("POOL_SIZE", "0")])
def test_bad_settings_are_refused(monkeypatch, name, value):
    monkeypatch.setenv(f"SUPPORTDESK_CRM_{name}", value)
    with pytest.raises(ValueError, match=name.lower()):
        CrmSettings()
