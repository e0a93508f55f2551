"""`supportdesk serve` starts with Python's collector off (its start-up objects live as long
as the process) and leaves it on however the command ends. Run in a process of its own: the
command sets up the process's logging."""

import socket
import subprocess
import sys

from tests.support.processes import server_env

PROBE = """
import gc, sys
from servers.cli import main
code = main(sys.argv[1:])
print(code, gc.isenabled())
"""


def test_a_serve_that_cannot_start_leaves_the_collector_on(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-c", PROBE, "serve", "--transport", "http", "--port", str(port)],
            capture_output=True, text=True, check=True, env=server_env(tmp_path),
        )
    assert done.stdout.split() == ["2", "True"]
