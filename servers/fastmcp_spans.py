"""FastMCP's own OpenTelemetry spans, made only when something records them.

fastmcp builds each call's span attributes (server, session, component, auth) on every call,
at each server a call passes through, even with no OpenTelemetry SDK in the process to record
them: about 60 µs of a 0.9 ms in-process tool call. A serving process with no tracer provider
set (OpenTelemetry's default proxy) turns them off. Setting ``FASTMCP_TELEMETRY_MODE``, or
installing a tracer provider before serving (``opentelemetry-instrument`` does), chooses
otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

VARIABLE = "FASTMCP_TELEMETRY_MODE"


def spans_only_when_recorded(environ: Mapping[str, str] = os.environ) -> str:
    """Turn FastMCP's spans off when nothing would record them; the mode now in force."""
    import fastmcp
    from opentelemetry import trace

    provider = trace.get_tracer_provider()
    unrecorded = isinstance(provider, trace.ProxyTracerProvider | trace.NoOpTracerProvider)
    if unrecorded and VARIABLE not in environ:
        fastmcp.settings.telemetry_mode = "off"
    return fastmcp.settings.telemetry_mode
