from embeddings import HashingEmbedder
from orchestrator.domain import Customer, DraftRequest, ReviewRequest, TriageRequest
from orchestrator.engines.base import LLMEngine
from orchestrator.engines.offline import OfflineEngine
from tests.orchestrator.conftest import CARD_PASSAGE, REFUND_PASSAGE

MESSAGE = (
    "Hi, you charged us twice this month!! I'm really annoyed. Please refund one of them to "
    "card 4242 4242 4242 4242 and confirm to ann.lee@acme.example or call me on (415) 555-0132."
)


def test_the_offline_engine_is_an_llm_engine(offline_engine):
    assert isinstance(offline_engine, LLMEngine) and offline_engine.name == "offline"


async def test_triage_finds_and_redacts_personal_data_without_keeping_it(offline_engine):
    triage = await offline_engine.triage(TriageRequest(subject="Double charge", message=MESSAGE))
    assert [finding.kind for finding in triage.pii] == ["card", "email", "phone"]
    for finding in triage.pii:
        assert MESSAGE[finding.start : finding.end] not in triage.model_dump_json()
    assert "[card]" in triage.redacted_message and "[email]" in triage.redacted_message
    assert any("personal data redacted" in reason for reason in triage.reasons)


async def test_triage_gives_category_priority_sentiment_signals_and_confidence(offline_engine):
    vip = Customer(id="C-9", name="Ann Lee", tier="pro", vip=True)
    triage = await offline_engine.triage(
        TriageRequest(subject="Double charge", message=MESSAGE, customer=vip)
    )
    assert triage.category == "billing"
    assert triage.sentiment == "negative" and triage.sentiment_score < 0
    assert "refund" in triage.signals
    assert triage.priority == "high"  # a problem, one step up for the VIP
    assert 0.5 <= triage.confidence <= 1
    assert triage.reasons[0].startswith("category billing")


async def test_draft_and_review_round_trip(offline_engine, customer):
    triage = await offline_engine.triage(
        TriageRequest(message="How do I request a refund for an invoice?", customer=customer)
    )
    passages = [REFUND_PASSAGE, CARD_PASSAGE]
    draft = await offline_engine.draft(
        DraftRequest(
            message=triage.redacted_message, customer=customer, triage=triage, passages=passages
        )
    )
    review = await offline_engine.review(
        ReviewRequest(draft=draft, passages=passages, customer=customer, triage=triage)
    )
    assert review.passed, review.issues


async def test_any_embedder_can_be_injected():
    engine = OfflineEngine(HashingEmbedder())
    triage = await engine.triage(TriageRequest(message="the invoice charge looks wrong"))
    assert triage.category in {"billing", "plans"}


async def test_a_terse_follow_up_is_classified_with_the_message_before_it(offline_engine):
    request = TriageRequest(
        message="still not working!",
        history=["My password reset link says it has expired, I can't log in"],
    )
    assert (await offline_engine.triage(request)).category == "account"
    assert (await offline_engine.triage(request.model_copy(update={"history": []}))).confidence < (
        await offline_engine.triage(request)
    ).confidence


async def test_a_short_question_that_names_its_subject_is_not_read_as_a_follow_up(
    offline_engine
):
    """Three content words make a whole question when they name the subject: it is not
    classified with the customer's latest ticket about something else."""
    billing_before = ["Charged twice in March"]
    for message, category in (("Can I change the email on my account?", "account"),
                              ("Is there an API?", "integrations"),
                              ("How do I cancel my plan?", "plans")):
        triage = await offline_engine.triage(
            TriageRequest(message=message, history=billing_before))
        assert triage.category == category, message
    follow_up = await offline_engine.triage(
        TriageRequest(message="still not working!", history=billing_before))
    assert follow_up.category == "billing"


async def test_a_message_naming_nothing_specific_is_not_confident_whatever_came_before(
    offline_engine
):
    for history in ([], ["Charged twice in March"]):
        vague = await offline_engine.triage(TriageRequest(
            subject="(no subject)", message="it doesnt work. please fix", history=history))
        assert vague.confidence < 0.5, history
        assert "names nothing specific" in vague.reasons[0]
    named = await offline_engine.triage(TriageRequest(
        subject="(no subject)", message="the desktop app doesnt work. please fix"))
    assert "names nothing specific" not in named.reasons[0]


async def test_a_placeholder_subject_is_not_read_as_words_of_the_request(offline_engine):
    """"(no subject)" is what a mail client wrote; as words it pulls toward other topics."""
    triage = await offline_engine.triage(TriageRequest(
        subject="(no subject)", message="how to use a security key for 2fa"))
    assert triage.category == "account", triage.reasons
