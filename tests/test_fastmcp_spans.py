"""FastMCP's spans are off in a serving process unless something would record them."""

import fastmcp
import pytest
from opentelemetry import trace

from servers.fastmcp_spans import spans_only_when_recorded


class RecordingProvider(trace.TracerProvider):
    """Stands where an OpenTelemetry SDK's provider would (none is installed here)."""

    def get_tracer(self, *args, **kwargs) -> trace.Tracer:
        return trace.NoOpTracer()


@pytest.fixture(autouse=True)
def native(monkeypatch):
    monkeypatch.setattr(fastmcp.settings, "telemetry_mode", "native")


def test_with_no_tracer_provider_fastmcp_makes_no_spans():
    assert isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)
    assert spans_only_when_recorded({}) == "off"
    assert not fastmcp.telemetry.native_spans_enabled()


def test_the_mode_set_in_the_environment_is_kept():
    assert spans_only_when_recorded({"FASTMCP_TELEMETRY_MODE": "native"}) == "native"


def test_a_tracer_provider_keeps_the_spans(monkeypatch):
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: RecordingProvider())
    assert spans_only_when_recorded({}) == "native"
