"""Notifications to a real HTTP receiver and a real SMTP server (STARTTLS, login), from the
shared delivery store on SQLite and PostgreSQL: signed bodies, retries while the receiver is
down, a dead letter after the last try, nothing sent twice after a restart or by a second
replica, and no PII beyond the policy's allowance."""

import asyncio
import hashlib
import hmac
import uuid
import pytest

from events import make_event
from events.types import ApprovalRequested, RequestEscalated, SlaBreached
from orchestrator.policy import Policy
from servers.notify.deliveries import DeliveryStore
from servers.notify.email import EmailChannel
from servers.notify.notifier import Notifier
from servers.notify.settings import NotifySettings
from servers.notify.webhook import WebhookChannel
from tests.support.postgres import coordination_database  # noqa: F401 - a fixture
from tests.support.receivers import HttpReceiver, SmtpReceiver

SECRET = "whsec-test-only"
POLICY = Policy.model_validate({
    "assignment": {"groups": {"billing": ["ana@acme.test", "ben"]},
                   "categories": {"billing": "billing"}, "escalation": "billing"},
    "notifications": {"recipients": {"sla.breached": ["lead@acme.test"],
                                     "approval.waiting": ["lead@acme.test"]}},
})
FAST = NotifySettings(backoff_seconds=0.05, backoff_max_seconds=0.2, max_attempts=3)


@pytest.fixture
async def store(coordination_database):
    url, schema = coordination_database
    store = DeliveryStore(url, schema=schema)
    await store.open()
    yield store
    await store.close()


@pytest.fixture
def receiver():
    receiver = HttpReceiver().start()
    yield receiver
    receiver.stop()


def notifier(store, *channels, settings=FAST, subjects=None) -> Notifier:
    async def subject(tenant, ids):
        return "Charged twice for March"

    return Notifier(store, list(channels), POLICY, settings, subjects=subjects or subject)


def breach(tenant="demo"):
    return make_event(SlaBreached(ticket_id="T-000042", target="first_response",
                                  due_at="2026-12-04T10:00:00+00:00", group="billing"),
                      tenant=tenant, ticket_id="T-000042", customer_id="C-000007",
                      request_id="req-1")


def approval(tenant="demo"):
    return make_event(ApprovalRequested(approval_id="apr_1", action="send_reply",
                                        reasons=["money back requested (refund)"]),
                      tenant=tenant, request_id="req-2", customer_id="C-000007")


async def drain(*notifiers: Notifier, rounds: int = 40) -> None:
    for _ in range(rounds):
        await asyncio.gather(*(n.deliver_due() for n in notifiers))
        await asyncio.sleep(0.03)


async def test_a_webhook_is_signed_and_carries_ids_subject_and_link(store, receiver):
    hook = notifier(store, WebhookChannel(receiver.url, SECRET))
    event = breach()
    await hook.handle(event)
    await drain(hook, rounds=3)
    [got] = receiver.wait_for(1)
    expected = hmac.new(SECRET.encode(), got.body, hashlib.sha256).hexdigest()
    assert got.headers["X-Supportdesk-Signature"] == f"sha256={expected}"
    assert got.headers["X-Supportdesk-Delivery"] == f"{event.id}:webhook"
    body = got.json
    assert body["type"] == "sla.breached" and body["tenant"] == "demo"
    assert body["ids"] == {"ticket_id": "T-000042", "request_id": "req-1",
                           "customer_id": "C-000007"}
    assert body["subject"] == "Charged twice for March"
    assert body["link"] == "crm://tickets/T-000042"
    assert "first response SLA breached" in body["summary"]


async def test_the_same_event_twice_is_sent_once(store, receiver):
    hook = notifier(store, WebhookChannel(receiver.url, SECRET))
    event = approval()
    await hook.handle(event)
    await drain(hook, rounds=3)
    restarted = notifier(store, WebhookChannel(receiver.url, SECRET))
    await restarted.handle(event)  # a restart consumes the event again
    await drain(restarted, rounds=5)
    assert [r.json["type"] for r in receiver.wait_for(1)] == ["approval.waiting"]
    await asyncio.sleep(0.2)
    assert len(receiver.received) == 1


async def test_two_replicas_send_each_notification_once(store, receiver):
    one, two = (notifier(store, WebhookChannel(receiver.url, SECRET)) for _ in range(2))
    events = [breach() for _ in range(15)]
    for event in events:
        await asyncio.gather(one.handle(event), two.handle(event))
    await drain(one, two)
    got = receiver.wait_for(15)
    await asyncio.sleep(0.2)
    keys = [r.headers["X-Supportdesk-Delivery"] for r in receiver.received]
    assert sorted(keys) == sorted(f"{e.id}:webhook" for e in events)
    assert len(got) == 15


async def test_a_receiver_that_is_down_gets_it_when_it_is_back(store):
    receiver = HttpReceiver()  # not listening yet: connection refused
    hook = notifier(store, WebhookChannel(receiver.url, SECRET),
                    settings=NotifySettings(backoff_seconds=0.05, backoff_max_seconds=0.1,
                                            max_attempts=50))
    await hook.handle(breach())
    await drain(hook, rounds=4)
    assert (await store.by_status()) == {"pending": 1}
    receiver.start()
    receiver.fail_next = 2  # and then answers 503 twice
    try:
        await drain(hook)
        assert len(receiver.wait_for(1)) == 1
        assert (await store.by_status()) == {"sent": 1}
    finally:
        receiver.stop()


async def test_after_the_last_try_it_is_a_dead_letter(store, receiver):
    receiver.fail_next = 100
    hook = notifier(store, WebhookChannel(receiver.url, SECRET))
    await hook.handle(breach())
    await drain(hook)
    [dead] = await store.dead_letters()
    assert (dead["attempts"], dead["last_error"], dead["status"]) == (3, "HTTP 503", "dead")
    assert receiver.received == []


async def test_the_slack_shape_is_one_text_line_with_a_link(store, receiver):
    hook = notifier(store, WebhookChannel(receiver.url, None, "slack"))
    await hook.handle(approval())
    await drain(hook, rounds=3)
    [got] = receiver.wait_for(1)
    assert "X-Supportdesk-Signature" not in got.headers  # no secret, no signature
    assert got.json == {"text": "*approval.waiting* A reply waits for approval apr_1: money "
                                "back requested (refund) — Charged twice for March "
                                "<workflow://approvals/apr_1|open>"}


async def test_an_approval_escalation_is_told_once_as_approval_waiting(store, receiver):
    hook = notifier(store, WebhookChannel(receiver.url, SECRET))
    told_as_approval = make_event(RequestEscalated(reasons=["x"], route="approval",
                                                   approval_id="apr_1"), tenant="demo")
    handed_over = make_event(RequestEscalated(reasons=["no article answers this"],
                                              route="escalated", ticket_id="T-000009"),
                             tenant="demo", ticket_id="T-000009")
    await hook.handle(told_as_approval)
    await hook.handle(handed_over)
    await drain(hook, rounds=3)
    assert [r.json["type"] for r in receiver.wait_for(1)] == ["request.escalated"]


@pytest.fixture
def smtp(tmp_path):
    server = SmtpReceiver(tmp_path).start()
    yield server
    server.stop()


def email_channel(smtp: SmtpReceiver, password: str | None = None) -> EmailChannel:
    return EmailChannel("127.0.0.1", smtp.port, sender="desk@acme.test", starttls=True,
                        ca_file=smtp.ca_file, username=smtp.username,
                        password=password or smtp.password)


async def test_email_goes_over_starttls_with_a_login_to_the_type_and_group_recipients(
        store, smtp):
    mail = notifier(store, email_channel(smtp))
    event = breach()
    await mail.handle(event)
    await drain(mail, rounds=3)
    [(recipients, message)] = smtp.wait_for(1)
    # The policy's recipients for sla.breached, then the billing group's agents with an
    # address (an agent known by name only is not mailed).
    assert recipients == ["lead@acme.test", "ana@acme.test"]
    assert message["From"] == "desk@acme.test"
    assert message["Subject"].startswith("[supportdesk] sla.breached: Ticket T-000042")
    text = message.get_payload()
    assert "Subject: Charged twice for March" in text and "ticket_id: T-000042" in text
    assert event.id.lower().replace(":", ".") in message["Message-ID"].lower()


async def test_a_wrong_smtp_password_is_retried_then_dead_lettered(store, smtp):
    mail = notifier(store, email_channel(smtp, password="wrong"))
    await mail.handle(breach())
    await drain(mail)
    [dead] = await store.dead_letters()
    assert dead["last_error"] == "SMTPAuthenticationError"
    assert smtp.messages == []


async def test_no_subject_reaches_a_notification_when_the_policy_says_ids_only(store, receiver):
    ids_only = Policy.model_validate({"notifications": {"include": []}})
    hook = Notifier(store, [WebhookChannel(receiver.url, SECRET)], ids_only, FAST,
                    subjects=_never_called)
    await hook.handle(breach())
    await drain(hook, rounds=3)
    [got] = receiver.wait_for(1)
    assert "subject" not in got.json


async def _never_called(tenant, ids):
    raise AssertionError("the subject was looked up although the policy allows ids only")


async def test_a_tenant_can_switch_a_notification_type_off(store, receiver):
    quiet = Policy.model_validate(
        {"tenants": {"acme": {"notifications": {"types": ["approval.waiting"]}}}})
    hook = Notifier(store, [WebhookChannel(receiver.url, SECRET)], quiet, FAST)
    other = f"other-{uuid.uuid4().hex[:6]}"
    await hook.handle(breach(tenant="acme"))
    await hook.handle(breach(tenant=other))
    await drain(hook, rounds=3)
    receiver.wait_for(1)
    await asyncio.sleep(0.1)
    assert [r.json["tenant"] for r in receiver.received] == [other]
