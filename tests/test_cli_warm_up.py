"""`supportdesk serve`, once open, loads what the first search after a restart would: the
embedding model (in a worker thread: loaded by a query's embedding, it would hold up the event
loop and every request on it) and the default tenant's search index; and the language model,
which a quarter to a third of English messages need too. The command runs in a
process of its own (it sets up the process's logging); a failing load, in this one."""

import subprocess
import sys

from tests.support.processes import SERVE_IN_PROCESS, free_port, server_env

PROBE = SERVE_IN_PROCESS + """
def after_ready():
    until_ready()
    give_up = time.monotonic() + 60
    while not gc.isenabled() and time.monotonic() < give_up:  # the loads are made by then
        time.sleep(0.05)
    # Each is imported on its first load, not before.
    print("model", "wordllama" in sys.modules, "index", "bm25s" in sys.modules,
          "language", "py3langid" in sys.modules, flush=True)
    os.kill(os.getpid(), signal.SIGINT)

threading.Thread(target=after_ready, daemon=True).start()
main(sys.argv[1:])
"""


def serve_until_settled(data_dir) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "serve", "--transport", "http", "--port",
         str(free_port())],
        capture_output=True, text=True, timeout=120, env=server_env(data_dir),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.splitlines()


def test_a_restart_loads_the_models_and_index_without_waiting_for_a_request(tmp_path):
    serve_until_settled(tmp_path)  # the first start writes the demo help center
    # Restarted, nothing calls a tool: only the warm-up can have loaded them.
    assert serve_until_settled(tmp_path) == ["model True index True language True"]


async def test_a_warm_up_that_fails_is_logged_and_the_others_still_run(caplog):
    from servers.long_lived import warm

    made = []

    async def fails():
        raise OSError("weights unreadable")

    async def loads():
        made.append("loaded")

    await warm([fails, loads])
    assert made == ["loaded"]
    assert "loading ahead of the first request failed" in caplog.text
