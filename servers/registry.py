"""Which servers exist: each name's wiring module (``build(core, publisher)``) and the prefix
its tools carry in the suite. Modules load when a server is built, so serving one server
never imports the others' stores."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from importlib import import_module

from servers.built import BuiltServer

Builder = Callable[..., BuiltServer]
"""``build(core, publisher)``; the orchestrator and workflow also take ``co_located``: the
already built servers they run beside."""

WIRING: dict[str, str] = {
    "kb": "servers.kb.wiring",
    "crm": "servers.crm.wiring",
    "memory": "servers.memory.wiring",
    "orchestrator": "servers.orchestrator.wiring",
    "workflow": "servers.workflow.wiring",
}
# The orchestrator's tools keep their names (triage_and_resolve); the others get a prefix.
NAMESPACES: dict[str, str | None] = {
    "kb": "kb", "crm": "crm", "memory": "memory", "orchestrator": None, "workflow": "workflow"
}


class Builders(Mapping[str, Builder]):
    """Name -> ``build`` of that server's wiring module, imported on first use."""

    def __getitem__(self, name: str) -> Builder:
        return import_module(WIRING[name]).build

    def __iter__(self) -> Iterator[str]:
        return iter(WIRING)

    def __len__(self) -> int:
        return len(WIRING)


BUILDERS = Builders()
