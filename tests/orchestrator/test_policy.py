from orchestrator.domain import Customer
from orchestrator.policy import MIN_CONFIDENCE, needs_approval
from tests.orchestrator.conftest import make_triage

PRO = Customer(id="C-1", name="Ann Lee", tier="pro")


def test_an_ordinary_request_needs_no_approval():
    assert needs_approval(make_triage(), PRO, 0) == []


def test_each_rule_gives_its_reason():
    cases = [
        (make_triage(priority="urgent"), PRO, 0, "priority is urgent"),
        (make_triage(signals=["security"]), PRO, 0, "security matter"),
        (make_triage(signals=["legal"]), PRO, 0, "legal matter"),
        (
            make_triage(sentiment="negative"),
            Customer(id="C-2", name="V", vip=True),
            0,
            "unhappy VIP customer",
        ),
        (
            make_triage(sentiment="negative"),
            Customer(id="C-3", name="E", tier="enterprise"),
            0,
            "unhappy enterprise customer",
        ),
        (make_triage(confidence=0.3), PRO, 0, "low triage confidence (0.30 < 0.5)"),
        (
            make_triage(signals=["refund", "credit"]),
            PRO,
            0,
            "money back requested (refund, credit)",
        ),
        (make_triage(), PRO, 2, "the draft failed quality review 2 times"),
    ]
    for triage, customer, failures, reason in cases:
        assert needs_approval(triage, customer, failures) == [reason]


def test_negative_sentiment_alone_or_one_failed_review_needs_no_approval():
    assert needs_approval(make_triage(sentiment="negative"), PRO, 1) == []
    assert needs_approval(make_triage(sentiment="negative"), None, 0) == []


def test_the_confidence_threshold_is_exclusive():
    assert needs_approval(make_triage(confidence=MIN_CONFIDENCE), PRO, 0) == []


def test_reasons_accumulate():
    triage = make_triage(priority="urgent", signals=["security", "refund"], sentiment="negative")
    enterprise = Customer(id="C-3", name="E", tier="enterprise")
    assert len(needs_approval(triage, enterprise, 2)) == 5


def test_a_thank_you_is_never_sent_to_a_human_for_an_unsure_category():
    thanks = make_triage(confidence=0.1).model_copy(update={"gratitude": True})
    assert needs_approval(thanks, PRO, 0) == []
    assert needs_approval(make_triage(confidence=0.1), PRO, 0) != []
