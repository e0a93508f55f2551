"""The supportdesk command starts without running ``langsmith.types``' ``__init__`` (160
generated modules nothing served uses), ``sqlalchemy.ext.asyncio``'s (the ORM) or
``langgraph_sdk``'s (the LangGraph Platform client); anything that asks one of these packages
for a name gets it. It also starts without py-key-value's run-time type checks, unless they
are asked for."""

import os
import subprocess
import sys

import pytest

KINDS = "print(len([m for m in sys.modules if m.startswith('langsmith.types.')]))"

DEFERRED = "import sys\nfrom core.deferred_init import defer_unused_inits\ndefer_unused_inits()\n"
AFTER_THE_COMMAND = ("import os, sys\nfrom servers.cli import main\n"
                     "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n")

PROBE = f"""{DEFERRED}import langgraph.graph  # reaches langsmith through langchain_core's tracers
{KINDS}
from langsmith.types import Run
print(Run.__name__)
{KINDS}
"""


def run(code: str, env: dict[str, str] | None = None) -> list[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=env).stdout.splitlines()


def test_langgraph_imports_without_langsmiths_generated_types_until_asked():
    before, name, after = run(PROBE)
    assert int(before) <= 2  # the one enum langsmith imports itself, and what it needs
    assert name == "Run"  # asked for: the package's __init__ ran ...
    assert int(after) > 100  # ... and brought every generated module, as it would have


def test_without_deferring_they_all_load():
    (count,) = run(f"import sys, langgraph.graph\n{KINDS}")
    assert int(count) > 100  # what the test above saves


def test_the_supportdesk_command_defers_them_before_anything_else():
    probe = f"{AFTER_THE_COMMAND}print('__getattr__' in vars(sys.modules['langsmith.types']))"
    assert run(probe)[-1] == "True"


def test_the_supportdesk_command_turns_off_key_value_stores_run_time_checks_unless_set():
    probe = f"{AFTER_THE_COMMAND}print(os.environ['PY_KEY_VALUE_DISABLE_BEARTYPE'])"
    assert run(probe)[-1] == "true"
    asked = {**os.environ, "PY_KEY_VALUE_DISABLE_BEARTYPE": "false"}
    assert run(probe, env=asked)[-1] == "false"


# (what a served process imports, the module its package's __init__ would bring, a name
# asked of the package). The async engine asks its package for a sibling (`from . import
# exc`): that submodule is imported alone, and the __init__ (with the ORM) still waits.
IMPORTED_WITHOUT_INIT = {
    "langgraph without the Platform client": (
        "import langgraph.graph", "langgraph_sdk.client",
        "from langgraph_sdk import get_client"),
    "sqlalchemy's async engine without the ORM": (
        "from sqlalchemy.ext.asyncio.engine import create_async_engine", "sqlalchemy.orm",
        "from sqlalchemy.ext.asyncio import AsyncSession"),
}


@pytest.mark.parametrize(("imported", "module", "asked"), IMPORTED_WITHOUT_INIT.values(),
                         ids=IMPORTED_WITHOUT_INIT)
def test_a_deferred_init_waits_until_a_name_is_asked_of_its_package(imported, module, asked):
    loaded = f"print({module!r} in sys.modules)"
    assert run(f"{DEFERRED}{imported}\n{loaded}\n{asked}\n{loaded}\n") == ["False", "True"]


@pytest.mark.parametrize(("imported", "module", "asked"), IMPORTED_WITHOUT_INIT.values(),
                         ids=IMPORTED_WITHOUT_INIT)
def test_without_deferring_the_init_brings_it_at_once(imported, module, asked):
    assert run(f"import sys\n{imported}\nprint({module!r} in sys.modules)") == ["True"]


SERVED = DEFERRED + """
import asyncio, tempfile
from pathlib import Path
from fastmcp import Client
from events import NullPublisher
from servers.settings import CoreSettings
from servers.suite import build_suite

async def serve_once():
    with tempfile.TemporaryDirectory() as data_dir:
        built = build_suite(CoreSettings(data_dir=Path(data_dir)), NullPublisher())
        async with Client(built.server) as client:
            await client.call_tool("triage_and_resolve", {
                "customer": "ada@example.com", "subject": "Export",
                "message": "How do I export my project to CSV?"})

asyncio.run(serve_once())
print(sorted(name for name in ("sqlalchemy.orm", "langgraph_sdk.client") if name in sys.modules))
"""


def test_the_suite_serves_a_resolution_without_what_start_up_defers():
    # Every store (the CRM, the outbox, checkpoints, records) and the graph, opened and used.
    assert run(SERVED)[-1] == "[]"
