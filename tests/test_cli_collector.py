"""`supportdesk serve` starts with Python's collector off (its start-up objects live as long
as the process) and leaves it on however the command ends."""

import gc
import socket

import pytest

from servers.cli import main


@pytest.fixture(autouse=True)
def collector_on_afterwards():
    yield
    gc.enable()  # whatever the test found, the rest of the session runs as usual


def test_a_serve_that_cannot_start_leaves_the_collector_on(monkeypatch, tmp_path):
    monkeypatch.setenv("SUPPORTDESK_DATA_DIR", str(tmp_path))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--transport", "http", "--port", str(port)]) == 2
    assert gc.isenabled()
