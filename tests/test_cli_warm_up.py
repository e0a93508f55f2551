"""`supportdesk serve` loads the embedding model in a worker thread once it is serving, so the
first search after a restart does not hold up the event loop (and every request on it) while
the model loads. Run in a process of its own: the command sets up the process's logging."""

import subprocess
import sys

from tests.support.processes import free_port, server_env

PROBE = """
import gc, os, signal, sys, threading, time
import httpx
from servers.cli import main

def after_ready():
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{sys.argv[-1]}/readyz").status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    give_up = time.monotonic() + 60
    while not gc.isenabled() and time.monotonic() < give_up:  # the loads are made by then
        time.sleep(0.05)
    print("model loaded", "wordllama" in sys.modules, flush=True)
    os.kill(os.getpid(), signal.SIGINT)

threading.Thread(target=after_ready, daemon=True).start()
main(sys.argv[1:])
"""


def test_the_embedding_model_is_loaded_without_waiting_for_a_request(tmp_path):
    # Nothing calls a tool: only the warm-up can have loaded it (the package is imported on
    # the model's first load, not before).
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "serve", "--transport", "http", "--port",
         str(free_port())],
        capture_output=True, text=True, timeout=120,
        env=server_env(tmp_path, {"SUPPORTDESK_LOAD_DEMO_DATA": "false"}),
    )
    assert done.stdout.splitlines() == ["model loaded True"], done.stderr[-2000:]
