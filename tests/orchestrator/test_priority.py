import pytest

from orchestrator.domain import Customer
from orchestrator.engines.offline.priority import assess
from orchestrator.signals import find_signals

PRO = Customer(id="C-1", name="Ann Lee", tier="pro")
ENTERPRISE = Customer(id="C-2", name="Bo Chen", tier="enterprise")
VIP = Customer(id="C-3", name="Cy Diaz", tier="pro", vip=True)


def priority_of(text, category="bugs", customer=PRO, sentiment="neutral"):
    return assess(text, category, find_signals(text), customer, sentiment)[0]


@pytest.mark.parametrize(
    "text, signal",
    [
        ("Please refund the duplicate charge", "refund"),
        ("We expect SLA service credits for the downtime", "credit"),
        ("How do I cancel our subscription?", "cancellation"),
        ("I think my account was hacked", "security"),
        ("Our lawyer will be in touch", "legal"),
        ("Tasklane is down for everyone", "outage"),
        ("Half our tasks have disappeared", "data_loss"),
        ("Production down, need help asap", "urgent_cue"),
    ],
)
def test_signals_are_found(text, signal):
    assert signal in find_signals(text)


def test_a_credit_card_is_not_a_credit_request():
    assert "credit" not in find_signals("Where do I update the credit card on file?")


def test_plain_how_to_questions_and_feature_requests_are_low():
    assert priority_of("How do I export a project to CSV?", "data-export") == "low"
    assert priority_of("Could you add Gantt charts, please?", "feature-requests") == "low"


def test_problems_are_normal():
    assert priority_of("The upload failed again with an error") == "normal"


def test_an_angry_question_is_not_a_plain_how_to():
    text = "Why on earth were we billed for 65 seats?"
    assert priority_of(text, "billing", sentiment="negative") == "normal"


@pytest.mark.parametrize(
    "text",
    [
        "Tasklane is down for our office",
        "I think someone hacked my account",
        "Our whole project is gone, tasks have disappeared",
        "We will take legal action over this invoice",
    ],
)
def test_outages_security_data_loss_and_legal_are_high(text):
    assert priority_of(text) == "high"


def test_urgency_cues_and_important_customers_each_lift_one_step():
    outage = "The app is down for all of us"
    assert priority_of(outage) == "high"
    assert priority_of(outage + ", please fix asap") == "urgent"
    assert priority_of(outage, customer=ENTERPRISE) == "urgent"
    assert priority_of(outage, customer=VIP) == "urgent"
    assert priority_of("How do I set up SSO?", "security", customer=ENTERPRISE) == "normal"


def test_reasons_explain_the_verdict():
    _, reasons = assess("Tasklane is down", "outages", ["outage"], ENTERPRISE)
    assert reasons == ["high: outage", "one step up: enterprise customer"]
