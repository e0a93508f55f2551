"""Packages imported for one submodule, their ``__init__`` run only when a name is asked of it.

Some libraries import one submodule of a package whose ``__init__`` imports everything beside
it. Registering the package without running that ``__init__`` lets the submodule import as
usual; the first time anything asks the package itself for a name, the ``__init__`` runs then
and the name is there, as it would have been.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

# Not used by a served process, imported at start-up all the same:
# - ``langsmith.types``: langchain_core's tracers (which LangGraph imports) reach one enum of
#   it, and its ``__init__`` imports some 160 generated pydantic modules: about 0.1 s of a
#   restart to /readyz and 6 MiB held. LangSmith tracing, when turned on, gets them on first
#   use.
# - ``sqlalchemy.ext.asyncio``: its ``__init__`` also imports the async ORM session, and with
#   it all of SQLAlchemy's ORM (about 0.07 s of every start and 7 MiB held). We use Core only,
#   through ``sqlalchemy.ext.asyncio.engine``.
# - ``langgraph_sdk``: ``langgraph.runtime`` reaches one class of ``langgraph_sdk.auth.types``,
#   and the package's ``__init__`` imports the LangGraph Platform client (websockets and the
#   rest, some 70 modules and 5 MiB held). Only ``RemoteGraph`` uses the client.
UNUSED_AT_START = ("langsmith.types", "sqlalchemy.ext.asyncio", "langgraph_sdk")


def register_without_init(name: str) -> None:
    """Make ``name`` importable without running its ``__init__`` until a name is asked of it.
    A submodule asked for by name (``from package import submodule``) is imported alone."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return
    package: ModuleType = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def run_init_then_get(attribute: str) -> object:  # PEP 562: only for missing names
        if not attribute.startswith("__") and importlib.util.find_spec(f"{name}.{attribute}"):
            return importlib.import_module(f"{name}.{attribute}")
        del package.__dict__["__getattr__"]
        loader.exec_module(package)
        return getattr(package, attribute)

    package.__dict__["__getattr__"] = run_init_then_get
    sys.modules[name] = package


def defer_unused_inits() -> None:
    """For a process's start (the ``supportdesk`` command), before anything is imported."""
    for name in UNUSED_AT_START:
        register_without_init(name)
