"""A PostgreSQL that cannot be reached skips the tests that need it, except under CI."""

import pytest

from tests.support import postgres


@pytest.fixture
def nowhere(monkeypatch):
    # Port 1 on loopback: nothing listens there, the connection is refused at once.
    monkeypatch.setattr(postgres, "POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:1/x")


def test_an_unreachable_server_is_a_skip_that_says_why(nowhere, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"127\.0\.0\.1:1/x is not reachable"):
        with postgres.temporary_schema("crm_never"):
            pass


def test_under_ci_an_unreachable_server_is_a_failure(nowhere, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        with postgres.temporary_schema("crm_never"):
            pass
