"""The composite that mounts every server (or a chosen few) into one endpoint."""

from __future__ import annotations

from events import EventPublisher, NullPublisher
from servers.built import BuiltServer
from servers.namespacing import mount
from servers.registry import BUILDERS, NAMESPACES
from servers.schema_refs import DereferenceOnce
from servers.settings import CoreSettings
from servers.tool_routing import SuiteServer


def build_suite(
    core: CoreSettings, publisher: EventPublisher, names: tuple[str, ...] = tuple(BUILDERS)
) -> BuiltServer:
    """Every server mounted into one endpoint, each under its namespace prefix.

    The orchestrator reaches the co-located servers it is mounted beside, in memory; the
    workflow server shares the orchestrator's Orchestrator.
    """
    parts = {
        name: BUILDERS[name](core, publisher)
        for name in names
        if name not in ("orchestrator", "workflow")
    }
    if "orchestrator" in names or "workflow" in names:
        parts["orchestrator"] = BUILDERS["orchestrator"](core, publisher, co_located=parts)
    if "workflow" in names:
        parts["workflow"] = BUILDERS["workflow"](core, publisher, co_located=parts)
    orchestrator = parts.get("orchestrator")
    security = orchestrator.request_state_security if orchestrator else None
    suite = SuiteServer(
        "supportdesk",
        strict_input_validation=True,
        instructions="supportdesk: customer-support tools.",
        request_state_security=security,
        dereference_schemas=False, middleware=[DereferenceOnce()],
    )
    for name, part in parts.items():
        mount(suite, part.server, NAMESPACES[name])

    async def readiness() -> dict[str, bool | str]:
        checks: dict[str, bool | str] = {}
        for part in parts.values():
            checks.update(await part.readiness())
        return checks

    backends = {k: v for part in parts.values() for k, v in part.backends.items()}
    jobs = {job.name: job for part in parts.values() for job in part.jobs}
    # Parts share one embedder: the first part's warm-up loads it, the others find it loaded.
    warm_ups = [w for part in parts.values() for w in part.warm_ups]
    return BuiltServer(
        suite, readiness, backends,
        request_state_security=security,
        service=orchestrator.service if orchestrator else None,
        parts=parts,
        jobs=tuple(jobs.values()),
        warm_ups=tuple(warm_ups),
    )


def build(name: str, core: CoreSettings, publisher: EventPublisher | None = None) -> BuiltServer:
    """One server by name, or ``all`` for the composite; every part shares one publisher."""
    publisher = publisher or NullPublisher()
    if name == "all":
        return build_suite(core, publisher)
    return BUILDERS[name](core, publisher)
