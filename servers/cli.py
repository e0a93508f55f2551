"""The supportdesk command: serve the servers, ingest a help center, import customers."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import dataclasses
import gc
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from core.deferred_init import defer_unused_inits
from servers.settings import CoreSettings, HttpSettings

if TYPE_CHECKING:
    from events import EventBus
    from servers.http_app import Details
    from servers.live_updates import LiveUpdates
    from servers.metrics import Metrics
    from servers.built import BuiltServer

logger = logging.getLogger("supportdesk")
SERVER_CHOICES = ("all", "kb", "crm", "memory", "orchestrator", "workflow")


def _parser() -> argparse.ArgumentParser:
    from importlib.metadata import version

    parser = argparse.ArgumentParser(
        prog="supportdesk", description=__doc__,
        epilog="Every setting is a SUPPORTDESK_* environment variable; the README lists them "
        "(python -m servers.settings_reference prints the table).",
    )
    parser.add_argument("--version", action="version",
                        version=f"supportdesk {version('supportdesk')}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="Serve one server, or the whole suite.")
    serve.add_argument("server", nargs="?", default="all", choices=SERVER_CHOICES)
    serve.add_argument("--transport", choices=("stdio", "http"), default="http")
    serve.add_argument("--host", help="Bind address (default 127.0.0.1).")
    serve.add_argument("--port", type=int, help="TCP port (default 8765).")

    ingest = commands.add_parser(
        "ingest",
        help="Load a help center into the knowledge base: Markdown, text, HTML, PDF, Word "
        "(.docx) and help-center JSON exports.",
    )
    ingest.add_argument("path", type=Path, help="A file, or a folder of them.")
    ingest.add_argument("--tenant", help="Whose help center (default: the default tenant).")

    policy = commands.add_parser("policy", help="Work with the team's policy file.")
    policy_commands = policy.add_subparsers(dest="policy_command", required=True)
    check = policy_commands.add_parser("check", help="Validate a policy file (TOML).")
    check.add_argument("file", type=Path)

    jobs = commands.add_parser("jobs", help="The scheduled jobs `serve` runs.")
    jobs_commands = jobs.add_subparsers(dest="jobs_command", required=True)
    jobs_commands.add_parser("list", help="Each job, its period and its last run.")
    run = jobs_commands.add_parser("run", help="Run one job now, here.")
    run.add_argument("name", help="The job's name, as `jobs list` shows it.")

    importing = commands.add_parser("import", help="Import records from a file.")
    what = importing.add_subparsers(dest="what", required=True)
    customers = what.add_parser(
        "customers", help="Upsert customers by email from a CSV export of a helpdesk or CRM."
    )
    customers.add_argument("file", type=Path, help="The CSV file (with a header row).")
    customers.add_argument("--tenant", help="Whose customers (default: the default tenant).")
    customers.add_argument(
        "--map", action="append", default=[], metavar="COLUMN=FIELD",
        help="Read COLUMN as FIELD (email, name, first_name, last_name, company, tier, vip, "
        "tags, phone, locale, external_id); repeat for more.",
    )
    return parser


async def _serve(name: str, transport: str, http: HttpSettings, core: CoreSettings) -> None:
    from events import EventSettings, bus_from_settings
    from servers.suite import build

    # A data folder that does not exist yet is a first start, not a mistake.
    core.data_dir.mkdir(parents=True, exist_ok=True)
    # One bus per process, shared by every server. Servers are built first (no I/O), so the
    # stores that keep their own outbox are registered before the relay starts.
    bus = bus_from_settings(EventSettings(), core.data_dir)
    built = build(name, core, bus)
    async with bus:
        try:
            await _serve_with(name, transport, http, built, bus, core)
        finally:
            from servers.tool_events import drain_tool_events

            await drain_tool_events(built.server, *(p.server for p in built.parts.values()))


async def _serve_with(
    name: str, transport: str, http: HttpSettings, built: BuiltServer, bus: EventBus,
    core: CoreSettings,
) -> None:
    """Serve, with the scheduled jobs ticking beside (unless SUPPORTDESK_JOBS_ENABLED=false)
    and notifications going out when a channel is configured."""
    from servers.jobs import jobs_detail, running, scheduler_for, with_jobs
    from servers.jobs.settings import JobsSettings

    from events.tail import tailing
    from servers.live_updates import LiveUpdates
    from servers.notify import notifier_for, notifying

    metrics = _metrics_for(built, bus)
    details: Details | None = None
    live = LiveUpdates()
    live.attach(built.server)
    async with contextlib.AsyncExitStack() as stack:
        await stack.enter_async_context(tailing(bus.outbox, live.on_record, metrics.on_record))
        notifier = notifier_for(core.data_dir, *_notice_sources(built), metrics.notification)
        if notifier is not None:
            await stack.enter_async_context(notifying(notifier, bus))
        if JobsSettings().enabled and built.jobs:
            scheduler = scheduler_for(built.jobs, bus, core.data_dir,
                                      on_finish=metrics.job_finished)
            await stack.enter_async_context(running(scheduler, built.readiness))
            built = dataclasses.replace(built, readiness=with_jobs(built.readiness, scheduler))
            details = jobs_detail(scheduler)
        metrics.refreshers.append(_readiness_gauge(built.readiness))
        await _serve_built(name, transport, http, built, bus, metrics, live, details)


def _notice_sources(built: BuiltServer) -> tuple:
    """The CRM service and the orchestrator's records served here, for notification subjects."""
    from servers.crm.service import CrmService

    parts = [*built.parts.values(), built]
    crm = next((p.service for p in parts if isinstance(p.service, CrmService)), None)
    service = getattr(built.service, "orchestrator", built.service)
    return crm, getattr(service, "records", None)


async def _serve_built(
    name: str, transport: str, http: HttpSettings, built: BuiltServer, bus: EventBus,
    metrics: Metrics, live: LiveUpdates, details: Details | None = None,
) -> None:
    from servers.http_app import add_health_routes, build_http_app, build_suite_app
    from servers.metrics import ToolMetrics, add_metrics_route

    from servers.long_lived import freeze_what_exists, frozen_once_open

    described = {**built.backends, "events": bus.describe()}
    backends = ", ".join(f"{k}={v}" for k, v in described.items())
    if transport == "stdio":
        logger.info("serving %s over stdio; backends: %s", name, backends)
        # stdio's runner opens the lifespans itself: start-up's only are frozen, and what the
        # first requests load (built.warm_ups) is left to them (one local client).
        freeze_what_exists()
        await built.server.run_stdio_async(show_banner=False)
        return

    import uvicorn

    add_health_routes(built.server, built.readiness, details)
    add_metrics_route(built.server, metrics)
    if built.parts:
        parts = {name: part.server for name, part in built.parts.items()}
        app = build_suite_app(
            built.server, parts, http, sealing=built.request_state_security,
            prepare=lambda wrapper: (wrapper.add_middleware(ToolMetrics(metrics)),
                                     live.attach(wrapper)),
        )
    else:
        app = build_http_app(built.server, http)
    # The collector has been off since the command began (see ``main``); it starts soon
    # after the lifespans have opened, what they and start-up built frozen. Before that, what
    # the first requests would load is loaded: the built servers' warm-ups, and the listing of
    # whichever server is served here, which works out each part's inlined tool schemas
    # (``DereferenceOnce``) for the first session's tools/list.
    app = frozen_once_open(app, (*built.warm_ups, built.server.list_tools))
    # log_config=None: uvicorn's records go through our handler (JSON lines), not its own.
    config = uvicorn.Config(
        app, host=http.host, port=http.port, log_level="warning", lifespan="on",
        log_config=None,
    )
    server = uvicorn.Server(config)
    logger.info(
        "serving %s at http://%s:%s/mcp; backends: %s", name, http.host, http.port, backends
    )
    await server.serve()


def _metrics_for(built: BuiltServer, bus: EventBus) -> Metrics:
    from servers.metrics import Metrics

    metrics = Metrics()
    # The orchestrator's records, when it is served here (itself, or behind the workflow server).
    service = getattr(built.service, "orchestrator", built.service)
    records = getattr(service, "records", None)
    if records is not None:

        async def pending_approvals(m: Metrics) -> None:
            m.approvals_pending.set(await records.count_pending())
            oldest = await records.oldest_pending_since()
            m.oldest_approval_age.set(
                (datetime.now(UTC) - oldest).total_seconds() if oldest else 0)

        metrics.refreshers.append(pending_approvals)

    async def relay_backlog(m: Metrics) -> None:
        waiting = await bus.outbox.count_unrelayed() if bus.relay.sink is not None else 0
        m.relay_backlog.set(waiting)

    metrics.refreshers.append(relay_backlog)
    return metrics


def _readiness_gauge(readiness):
    """A refresher setting ``supportdesk_ready`` from the readiness checks, each scrape."""
    level = {True: 1.0, "degraded": 0.5}

    async def refresh(m: Metrics) -> None:
        try:
            checks = await readiness()
        except Exception:  # not open yet, or a store went away
            checks = {"serving": False}
        for check, state in checks.items():
            m.ready.labels(check).set(level.get(state, 0.0))

    return refresh


async def _ingest(path: Path, tenant: str, core: CoreSettings) -> int:
    from servers.kb.ingest import ingest_folder
    from servers.kb.wiring import kb_from_settings

    kb = kb_from_settings(core)
    await kb.open()
    try:
        report = await ingest_folder(kb, tenant, path, progress=True)
    finally:
        await kb.close()
    for error in report.errors:
        logger.error("skipped %s", error)
    print(f"{report.summary()} (tenant {tenant})", file=sys.stderr)
    return 1 if report.errors else 0


async def _import_customers(args: argparse.Namespace, tenant: str, core: CoreSettings) -> int:
    from tqdm import tqdm

    from events import EventSettings, bus_from_settings
    from servers.crm.importing import import_customers
    from servers.crm.wiring import crm_service

    overrides = dict(item.split("=", 1) for item in args.map if "=" in item)
    bus = bus_from_settings(EventSettings(), core.data_dir)
    crm = crm_service(core, bus)
    with args.file.open(newline="", encoding="utf-8-sig") as file:
        rows = max(0, sum(1 for _ in csv.reader(file)) - 1)
    async with bus:
        await crm.open()
        try:
            with tqdm(total=rows, unit="row", desc="import", leave=True) as bar:
                report = await import_customers(crm, tenant, args.file, overrides,
                                                progress=bar.update)
        finally:
            await crm.close()
    for error in report.errors:
        logger.error("skipped %s", error)
    print(f"{report.summary()} (tenant {tenant})", file=sys.stderr)
    return 1 if report.errors else 0


def main(argv: list[str] | None = None) -> int:
    """The command; a configuration mistake is one line on stderr naming what to fix, exit 2."""
    # Start-up imports and builds some 300,000 objects that live as long as the process: the
    # collector's passes over them as they accumulate took about 0.5 s of a 2.4 s start to
    # /readyz, against 0.25 s for one pass once they are built. Off until serving begins
    # (``servers.long_lived``); other commands turn it back on once they are known.
    gc.disable()
    defer_unused_inits()
    # py-key-value (which fastmcp's client imports) wraps each of its modules in beartype's
    # run-time type checks as it imports them, unless told not to: about 0.15 s of every
    # restart to /readyz, for a store a served process never calls. "false" keeps them.
    os.environ.setdefault("PY_KEY_VALUE_DISABLE_BEARTYPE", "true")
    try:
        from servers.config_errors import config_error_in, one_line

        try:
            return _main(argv)
        except BaseException as error:
            mistake = config_error_in(error)
            if mistake is None:
                raise
            print(f"supportdesk: {one_line(mistake)}", file=sys.stderr)
            return 2
    finally:
        gc.enable()


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    if args.command != "serve":
        gc.enable()  # only serving starts with the collector off (see ``main``)
    core = CoreSettings()
    from servers.logs import configure_logging

    configure_logging(core.log_level, core.log_format)
    if args.command == "ingest":
        if not args.path.exists():
            print(f"supportdesk ingest: {args.path}: no such file or directory", file=sys.stderr)
            return 2
        return asyncio.run(_ingest(args.path, args.tenant or core.default_tenant, core))
    if args.command == "import":
        return _import(args, core)
    if args.command == "policy":
        return _check_policy(args.file)
    if args.command == "jobs":
        from servers.jobs.command import list_jobs, run_job

        if args.jobs_command == "list":
            return asyncio.run(list_jobs(core))
        return asyncio.run(run_job(args.name, core))
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    http = HttpSettings(**overrides)
    if args.transport == "http" and (taken := _port_taken(http)):
        print(f"supportdesk: {taken}", file=sys.stderr)
        return 2
    from servers.fastmcp_spans import spans_only_when_recorded
    from servers.glibc_malloc import limit_malloc_arenas, map_large_blocks

    limit_malloc_arenas()
    map_large_blocks()
    spans_only_when_recorded()
    try:
        asyncio.run(_serve(args.server, args.transport, http, core))
    except KeyboardInterrupt:
        pass
    return 0


def _check_policy(path: Path) -> int:
    from orchestrator.policy import PolicyError, load_policy

    try:
        policy = load_policy(path)
    except PolicyError as error:
        print(f"supportdesk policy: {error}", file=sys.stderr)
        return 2
    tenants = ", ".join(sorted(policy.tenants)) or "none of its own"
    print(f"{path}: ok — {len(policy.approval_rules(''))} approval rules by default; "
          f"tenants with their own: {tenants}")
    return 0


def _port_taken(http: HttpSettings) -> str | None:
    """Why the HTTP address cannot be bound, said before anything announces serving on it."""
    import socket

    family = socket.AF_INET6 if ":" in http.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((http.host, http.port))
        except OSError as error:
            return (f"cannot listen on {http.host}:{http.port} ({error.strerror}); choose "
                    "another with --port or SUPPORTDESK_HTTP_PORT")
    return None


def _import(args: argparse.Namespace, core: CoreSettings) -> int:
    from servers.crm.importing import CustomerImportError

    if not args.file.is_file():
        print(f"supportdesk import: {args.file}: no such file", file=sys.stderr)
        return 2
    bad = [item for item in args.map if "=" not in item]
    if bad:
        print(f"supportdesk import: --map {bad[0]!r}: expected COLUMN=FIELD", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_import_customers(args, args.tenant or core.default_tenant, core))
    except CustomerImportError as error:
        print(f"supportdesk import: {args.file}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
