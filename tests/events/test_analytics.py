"""The request-analytics projection: counts, rates, time to resolve; idempotent and durable."""

from datetime import UTC, datetime, timedelta

import pytest

from events import Envelope, make_event
from events.projection import RequestAnalyticsProjection
from events.types import (
    RequestEscalated,
    RequestFailed,
    RequestReceived,
    RequestResolved,
    RequestTriaged,
)

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def at(event: Envelope, minutes: float) -> Envelope:
    return event.model_copy(update={"occurred_at": T0 + timedelta(minutes=minutes)})


def story(
    request_id: str,
    start: float,
    *,
    category: str,
    priority: str,
    route: str,
    end: str | None,
    after: float = 10,
    escalate: bool = False,
    tenant: str = "acme",
):
    """The events of one request, starting ``start`` minutes after T0."""
    events = [
        at(
            make_event(
                RequestReceived(channel="chat", message_chars=80),
                tenant=tenant,
                request_id=request_id,
            ),
            start,
        ),
        at(
            make_event(
                RequestTriaged(
                    category=category,
                    priority=priority,
                    sentiment="neutral",
                    confidence=0.9,
                    route=route,
                ),
                tenant=tenant,
                request_id=request_id,
            ),
            start + 1,
        ),
    ]
    if escalate:
        events.append(
            at(
                make_event(
                    RequestEscalated(reasons=["vip"], route=route),
                    tenant=tenant,
                    request_id=request_id,
                ),
                start + 2,
            )
        )
    if end == "resolved":
        events.append(
            at(
                make_event(
                    RequestResolved(
                        resolution="resolved", route=route, ticket_id="T-1",
                        category=category, priority=priority,
                    ),
                    tenant=tenant,
                    request_id=request_id,
                ),
                start + after,
            )
        )
    elif end == "failed":
        events.append(
            at(
                make_event(
                    RequestFailed(stage="research", error="Timeout"),
                    tenant=tenant,
                    request_id=request_id,
                ),
                start + after,
            )
        )
    return events


@pytest.fixture
async def projection(tmp_path):
    opened = RequestAnalyticsProjection(tmp_path / "analytics.db")
    yield opened
    await opened.close()


def fleet() -> list[Envelope]:
    return [
        *story(
            "R-1",
            0,
            category="billing",
            priority="high",
            route="self_service",
            end="resolved",
            after=10,
        ),
        *story(
            "R-2",
            5,
            category="billing",
            priority="urgent",
            route="escalate",
            end="resolved",
            after=30,
            escalate=True,
        ),
        *story(
            "R-3", 10, category="account", priority="normal", route="self_service", end="failed"
        ),
        *story(
            "R-4",
            60,
            category="account",
            priority="normal",
            route="escalate",
            end=None,
            escalate=True,
        ),
        *story(
            "X-1",
            0,
            category="billing",
            priority="low",
            route="self_service",
            end="resolved",
            tenant="other",
        ),
    ]


async def test_analytics_count_rates_and_time_to_resolve(projection):
    for event in fleet():
        await projection.handle(event)
    stats = await projection.analytics("acme")
    assert stats.total == 4
    assert stats.by_category == {"billing": 2, "account": 2}
    assert stats.by_priority == {"high": 1, "urgent": 1, "normal": 2}
    assert stats.by_route == {"self_service": 2, "escalate": 2}
    assert stats.by_status == {"resolved": 2, "failed": 1, "escalated": 1}
    assert (stats.resolved, stats.escalated, stats.failed) == (2, 2, 1)
    assert stats.resolution_rate == 0.5 and stats.escalation_rate == 0.5
    assert stats.time_to_resolve.count == 2
    assert stats.time_to_resolve.mean_seconds == pytest.approx(20 * 60)
    assert stats.time_to_resolve.max_seconds == pytest.approx(30 * 60)


async def test_the_window_and_tenant_select_requests_by_received_time(projection):
    for event in fleet():
        await projection.handle(event)
    early = await projection.analytics("acme", since=T0, until=T0 + timedelta(minutes=30))
    late = await projection.analytics("acme", since=T0 + timedelta(minutes=30))
    other = await projection.analytics("other")
    nobody = await projection.analytics("nobody")
    assert (early.total, late.total, other.total) == (3, 1, 1)
    assert late.by_status == {"escalated": 1}
    assert nobody.total == 0 and nobody.resolution_rate == 0 and nobody.time_to_resolve.count == 0


async def test_duplicates_and_any_order_give_the_same_answer(projection, tmp_path):
    events = fleet()
    for event in [*reversed(events), *events, *events[:5]]:
        await projection.handle(event)
    in_order = RequestAnalyticsProjection(tmp_path / "in-order.db")
    for event in events:
        await in_order.handle(event)
    try:
        assert await projection.analytics("acme") == await in_order.analytics("acme")
    finally:
        await in_order.close()


async def test_the_projection_survives_a_restart(tmp_path):
    path = tmp_path / "analytics.db"
    first = RequestAnalyticsProjection(path)
    events = fleet()
    for event in events[:6]:
        await first.handle(event)
    await first.close()
    second = RequestAnalyticsProjection(path)
    try:
        for event in events:  # redelivered from an older position: applied once
            await second.handle(event)
        stats = await second.analytics("acme")
    finally:
        await second.close()
    assert (stats.total, stats.resolved, stats.escalated) == (4, 2, 2)


async def test_a_newer_triage_version_still_counts(projection):
    received = at(
        make_event(
            RequestReceived(channel="mcp", message_chars=1), tenant="acme", request_id="R-9"
        ),
        0,
    )
    newer = Envelope(
        type="request.triaged",
        version=2,
        tenant="acme",
        request_id="R-9",
        occurred_at=T0 + timedelta(minutes=1),
        payload={
            "category": "billing",
            "priority": "high",
            "route": "self_service",
            "queue": "tier-2",
        },
    )
    await projection.handle(received)
    await projection.handle(newer)
    stats = await projection.analytics("acme")
    assert stats.by_category == {"billing": 1} and stats.by_status == {"triaged": 1}


def orchestrator_event(event_type: str, request_id: str, minutes: float, **payload) -> Envelope:
    """An event as earlier orchestrators logged it (untyped, with a run id): logs keep them."""
    return at(
        Envelope(type=event_type, tenant="acme", request_id=request_id, correlation_id="run-1",
                 payload={"run_id": "run-1", **payload}),
        minutes,
    )


def typed_events() -> list[Envelope]:
    def event(payload, minutes: float) -> Envelope:
        return at(make_event(payload, tenant="acme", request_id="R-9", correlation_id="run-1"),
                  minutes)

    return [
        event(RequestReceived(channel="web", message_chars=120), 0),
        event(RequestTriaged(category="billing", priority="high", sentiment="neutral",
                             confidence=0.8), 1),
        event(RequestEscalated(approval_id="apr-1", reasons=["refund"], route="approval"), 2),
        event(RequestResolved(resolution="rejected", route="approval", ticket_id="T-1",
                              category="billing", priority="high"), 9),
    ]


def legacy_events() -> list[Envelope]:
    return [
        orchestrator_event("request.received", "R-9", 0, channel="web"),
        orchestrator_event("request.triaged", "R-9", 1, category="billing", priority="high",
                           sentiment="neutral", confidence=0.8, pii_kinds=[]),
        orchestrator_event("request.escalated", "R-9", 2, approval_id="apr-1",
                           reasons=["refund"], route="approval"),
        orchestrator_event("request.resolved", "R-9", 9, status="rejected", route="approval",
                           ticket_id="T-1", category="billing", priority="high"),
    ]


@pytest.mark.parametrize("make_events", [typed_events, legacy_events])
async def test_the_route_taken_wins_and_a_rejected_reply_is_not_a_resolution(
    projection, make_events
):
    events = make_events()
    for event in events:
        await projection.handle(event)
    stats = await projection.analytics("acme")
    assert stats.by_category == {"billing": 1} and stats.by_priority == {"high": 1}
    assert stats.by_route == {"approval": 1} and stats.by_status == {"rejected": 1}
    assert stats.escalated == 1 and stats.resolved == 0 and stats.time_to_resolve.count == 0


async def test_a_status_never_goes_back_a_stage_whatever_the_clocks_say(projection):
    """A producer's clock stepped back between a review and the escalation after it (seen once
    in CI): the request is escalated, not reviewed. Within a stage the later event wins."""
    def event(event_type: str, minutes: float, **payload) -> Envelope:
        return orchestrator_event(event_type, "R-9", minutes, **payload)

    await projection.handle(event("request.drafted", 3))
    await projection.handle(event("request.reviewed", 4, passed=False))
    await projection.handle(event("request.drafted", 5))
    revising = await projection.analytics("acme")
    await projection.handle(event("request.reviewed", 6.5, passed=True))
    await projection.handle(event("request.escalated", 6, route="approval", reasons=["refund"]))
    await projection.handle(event("request.triaged", 7, category="billing", priority="high"))
    waiting = await projection.analytics("acme")

    assert revising.by_status == {"drafted": 1}
    assert waiting.by_status == {"escalated": 1} and waiting.by_category == {"billing": 1}


def sla(kind: str, ticket: str, target: str, minutes: float, tenant: str = "acme") -> Envelope:
    from events.types import SlaBreached, SlaMet, SlaWarning

    model = {"met": SlaMet, "breached": SlaBreached, "warning": SlaWarning}[kind]
    return at(make_event(model(ticket_id=ticket, target=target, due_at=T0.isoformat()),
                         tenant=tenant, ticket_id=ticket), minutes)


async def test_the_share_of_slas_met_counts_each_target_once_in_its_window(tmp_path):
    projection = RequestAnalyticsProjection(tmp_path / "analytics.db")
    events = [
        sla("met", "T-1", "first_response", 5), sla("met", "T-1", "resolution", 50),
        sla("met", "T-2", "first_response", 6), sla("warning", "T-3", "first_response", 7),
        sla("breached", "T-3", "first_response", 8), sla("breached", "T-4", "resolution", 90),
        sla("met", "T-9", "first_response", 5, tenant="other"),
    ]
    try:
        for event in events + events[:3]:  # redelivered events change nothing
            await projection.handle(event)
        everything = await projection.analytics("acme")
        first_hour = await projection.analytics("acme", T0, T0 + timedelta(minutes=60))
        nothing = await projection.analytics("nobody")
    finally:
        await projection.close()
    assert (everything.sla.met, everything.sla.breached, everything.sla.met_rate) == (3, 2, 0.6)
    assert (first_hour.sla.met, first_hour.sla.breached) == (3, 1)
    assert nothing.sla.met_rate is None
