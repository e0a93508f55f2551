"""The supportdesk command starts without running ``langsmith.types``' ``__init__`` (160
generated modules nothing served uses); anything that asks the package for a name gets it."""

import subprocess
import sys

KINDS = "print(len([m for m in sys.modules if m.startswith('langsmith.types.')]))"

PROBE = f"""
import sys
from core.deferred_init import defer_unused_inits
defer_unused_inits()
import langgraph.graph  # reaches langsmith through langchain_core's tracers
{KINDS}
from langsmith.types import Run
print(Run.__name__)
{KINDS}
"""


def run(code: str) -> list[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.splitlines()


def test_langgraph_imports_without_langsmiths_generated_types_until_asked():
    before, name, after = run(PROBE)
    assert int(before) <= 2  # the one enum langsmith imports itself, and what it needs
    assert name == "Run"  # asked for: the package's __init__ ran ...
    assert int(after) > 100  # ... and brought every generated module, as it would have


def test_without_deferring_they_all_load():
    (count,) = run(f"import sys, langgraph.graph\n{KINDS}")
    assert int(count) > 100  # what the test above saves


def test_the_supportdesk_command_defers_them_before_anything_else():
    probe = ("import sys\nfrom servers.cli import main\n"
             "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
             "print('__getattr__' in vars(sys.modules['langsmith.types']))\n")
    assert run(probe)[-1] == "True"
