"""The envelope and the typed events: construction, JSON round trip, versions."""

import pytest
from pydantic import ValidationError

from events import PAYLOAD_TYPES, Envelope, make_event, parse_payload, payload_as
from events.types import (
    RequestReceived,
    RequestTriaged,
    TicketCreated,
    TicketUpdated,
    ToolCalled,
)
from tests.events.samples import ticket_created

REQUIRED_TYPES = {
    "request.received",
    "request.triaged",
    "request.researched",
    "request.drafted",
    "request.reviewed",
    "request.escalated",
    "approval.requested",
    "approval.decided",
    "request.resolved",
    "request.failed",
    "ticket.created",
    "ticket.updated",
    "memory.written",
    "tool.called",
}


def test_every_required_event_type_has_a_payload_model():
    assert REQUIRED_TYPES <= set(PAYLOAD_TYPES)
    for event_type, model in PAYLOAD_TYPES.items():
        assert model.event_type == event_type
        assert model.schema_version >= 1


def test_a_typed_event_round_trips_through_json():
    created = ticket_created("T-1", "C-9", request_id="R-1", correlation_id="run-1")
    again = Envelope.model_validate_json(created.model_dump_json())
    assert again == created
    assert (again.type, again.version, again.tenant) == ("ticket.created", 1, "acme")
    # subject ids come from the payload when not given
    assert (again.ticket_id, again.customer_id, again.request_id) == ("T-1", "C-9", "R-1")
    assert again.key == "R-1" and again.family == "ticket"
    payload = parse_payload(again)
    assert isinstance(payload, TicketCreated) and payload.category == "billing"


def test_event_ids_are_unique_and_sort_by_creation_time():
    first = make_event(RequestReceived(channel="mcp", message_chars=3), tenant="t")
    later = [
        make_event(RequestReceived(channel="mcp", message_chars=3), tenant="t") for _ in range(500)
    ]
    ids = [first.id, *(event.id for event in later)]
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 26 for i in ids)
    assert all(first.id[:10] <= i[:10] for i in ids)  # the 48-bit time prefix never goes back


def test_a_caused_event_carries_the_correlation_on():
    received = make_event(
        RequestReceived(channel="chat", message_chars=40), tenant="acme", request_id="R-2"
    )
    triaged = make_event(
        RequestTriaged(
            category="billing",
            priority="high",
            sentiment="negative",
            confidence=0.8,
            route="escalate",
        ),
        tenant="acme",
        request_id="R-2",
        cause=received,
    )
    assert triaged.causation_id == received.id
    assert triaged.correlation_id == received.id


def test_ticket_updated_keeps_before_and_after_per_field():
    updated = make_event(
        TicketUpdated(ticket_id="T-1", version=3, changes={"status": ("open", "pending")}),
        tenant="acme",
    )
    assert updated.payload["changes"] == {"status": ["open", "pending"]}
    assert updated.version == 1 and updated.payload["version"] == 3
    assert payload_as(Envelope.model_validate_json(updated.model_dump_json()), TicketUpdated) == (
        TicketUpdated(ticket_id="T-1", version=3, changes={"status": ("open", "pending")})
    )


def test_an_unknown_newer_version_is_kept_as_it_came():
    wire = (
        '{"id":"01J00000000000000000000000","type":"request.triaged","version":7,'
        '"tenant":"acme","request_id":"R-3","occurred_at":"2026-11-01T10:00:00Z",'
        '"payload":{"category":"billing","labels":["a"]},"trace":{"span":"x"}}'
    )
    envelope = Envelope.model_validate_json(wire)
    payload = parse_payload(envelope)
    assert payload == {"category": "billing", "labels": ["a"]}
    # unknown envelope fields survive a round trip too
    assert Envelope.model_validate_json(envelope.model_dump_json()).model_extra == {
        "trace": {"span": "x"}
    }
    with pytest.raises(ValueError, match="type: expected request.triaged v1"):
        payload_as(envelope, RequestTriaged)


def test_an_unknown_type_is_kept_as_a_dict():
    envelope = Envelope(type="invoice.paid", tenant="acme", payload={"amount": 3})
    assert parse_payload(envelope) == {"amount": 3}


def test_payloads_reject_wrong_values():
    with pytest.raises(ValidationError, match="outcome"):
        ToolCalled(tool="search", server="kb", principal="p", duration_ms=1, outcome="maybe")
    with pytest.raises(ValidationError, match="extra"):
        RequestReceived(channel="mcp", message_chars=1, text="my card number is ...")
