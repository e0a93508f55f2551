"""The ``supportdesk`` command: serve the servers, ingest documents."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from servers.settings import CoreSettings, HttpSettings

if TYPE_CHECKING:
    from events import EventBus
    from servers.metrics import Metrics
    from servers.suite import BuiltServer

logger = logging.getLogger("supportdesk")
SERVER_CHOICES = ("all", "kb", "crm", "memory", "orchestrator", "workflow")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="supportdesk", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="Serve one server, or the whole suite.")
    serve.add_argument("server", nargs="?", default="all", choices=SERVER_CHOICES)
    serve.add_argument("--transport", choices=("stdio", "http"), default="http")
    serve.add_argument("--host", help="Bind address (default 127.0.0.1).")
    serve.add_argument("--port", type=int, help="TCP port (default 8765).")

    ingest = commands.add_parser("ingest", help="Load Markdown/text files into the KB.")
    ingest.add_argument("path", type=Path, help="A file or a folder of .md/.txt files.")
    return parser


async def _serve(name: str, transport: str, http: HttpSettings, core: CoreSettings) -> None:
    from events import EventSettings, bus_from_settings
    from servers.suite import build

    # One bus per process, shared by every server. Servers are built first (no I/O), so the
    # stores that keep their own outbox are registered before the relay starts.
    bus = bus_from_settings(EventSettings(), core.data_dir)
    built = build(name, core, bus)
    async with bus:
        await _serve_with(name, transport, http, built, bus)


async def _serve_with(
    name: str, transport: str, http: HttpSettings, built: BuiltServer, bus: EventBus
) -> None:
    from servers.http_app import add_health_routes, build_http_app, build_suite_app
    from servers.metrics import ToolMetrics, add_metrics_route

    described = {**built.backends, "events": bus.describe()}
    backends = ", ".join(f"{k}={v}" for k, v in described.items())
    if transport == "stdio":
        logger.info("serving %s over stdio; backends: %s", name, backends)
        await built.server.run_stdio_async(show_banner=False)
        return

    import uvicorn

    add_health_routes(built.server, built.readiness)
    metrics = _metrics_for(built)
    add_metrics_route(built.server, metrics)
    if built.parts:
        parts = {name: part.server for name, part in built.parts.items()}
        app = build_suite_app(
            built.server, parts, http, sealing=built.request_state_security,
            prepare=lambda wrapper: wrapper.add_middleware(ToolMetrics(metrics)),
        )
    else:
        app = build_http_app(built.server, http)
    config = uvicorn.Config(
        app, host=http.host, port=http.port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    logger.info(
        "serving %s at http://%s:%s/mcp; backends: %s", name, http.host, http.port, backends
    )
    await server.serve()


def _metrics_for(built) -> Metrics:
    from servers.metrics import Metrics

    metrics = Metrics()
    # The orchestrator's records, when it is served here (itself, or behind the workflow server).
    service = getattr(built.service, "orchestrator", built.service)
    records = getattr(service, "records", None)
    if records is not None:

        async def pending_approvals(m: Metrics) -> None:
            m.approvals_pending.set(await records.count_pending())

        metrics.refreshers.append(pending_approvals)
    return metrics


async def _ingest(path: Path, core: CoreSettings) -> int:
    from embeddings import EmbeddingSettings, embedder_from_settings
    from servers.kb.ingest import ingest_folder
    from servers.kb.service import KnowledgeBase

    kb = KnowledgeBase(core.data_dir, embedder_from_settings(EmbeddingSettings()))
    await kb.open()
    try:
        report = await ingest_folder(kb, path, progress=True)
    finally:
        await kb.close()
    for error in report.errors:
        logger.error("skipped %s", error)
    counts = ", ".join(f"{n} {status}" for status, n in sorted(report.statuses.items()))
    print(
        f"ingested {sum(report.statuses.values())} documents ({counts or 'none'}); "
        f"{report.embedded} chunks embedded; {len(report.errors)} skipped",
        file=sys.stderr,
    )
    return 1 if report.errors else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    core = CoreSettings()
    from servers.logs import configure_logging

    configure_logging(core.log_level, core.log_format)
    if args.command == "ingest":
        return asyncio.run(_ingest(args.path, core))
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    http = HttpSettings(**overrides)
    try:
        asyncio.run(_serve(args.server, args.transport, http, core))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
