"""`supportdesk serve` starts with Python's collector off (its start-up objects live as long
as the process), turns it on once its lifespans have opened, with what they built frozen, and
leaves it on however the command ends. Run in a process of its own: the command sets up the
process's logging."""

import socket
import subprocess
import sys

from tests.support.processes import SERVE_IN_PROCESS, free_port, server_env

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


SERVED_PROBE = SERVE_IN_PROCESS + """
def when_ready():
    until_ready()
    print("ready", gc.isenabled(), flush=True)
    give_up = time.monotonic() + 30
    while not gc.isenabled() and time.monotonic() < give_up:
        time.sleep(0.05)
    graphs = [o for o in gc.get_objects() if type(o).__name__ == "CompiledStateGraph"]
    print("then", gc.isenabled(), len(graphs), flush=True)
    os.kill(os.getpid(), signal.SIGINT)

threading.Thread(target=when_ready, daemon=True).start()
main(sys.argv[1:])
"""


def test_what_the_lifespans_built_is_frozen_soon_after_serving_begins(tmp_path):
    # Ready first, with the collector still off; then the collector is on and what the
    # lifespans built is frozen. The orchestrator compiles its graph in its lifespan: frozen
    # objects are out of the collector's generations, so gc.get_objects() no longer lists it.
    done = subprocess.run(
        [sys.executable, "-c", SERVED_PROBE, "serve", "--transport", "http", "--port",
         str(free_port())],
        capture_output=True, text=True, timeout=120, env=server_env(tmp_path),
    )
    lines = done.stdout.splitlines()
    assert lines[:2] == ["ready False", "then True 0"], done.stderr[-2000:]
