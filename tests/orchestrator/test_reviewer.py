from orchestrator.domain import Claim, Draft, DraftRequest, ReviewRequest
from orchestrator.engines.offline import reviewer
from tests.orchestrator.conftest import CARD_PASSAGE, REFUND_PASSAGE, make_triage

PASSAGES = [REFUND_PASSAGE, CARD_PASSAGE]


def good_draft(engine, customer) -> Draft:
    request = DraftRequest(
        message="How do I request a refund for an invoice?",
        customer=customer,
        triage=make_triage(),
        passages=PASSAGES,
    )
    return engine.composer.compose(request)


def review(draft, customer):
    return reviewer.review(
        ReviewRequest(draft=draft, passages=PASSAGES, customer=customer, triage=make_triage())
    )


def with_reply(draft: Draft, reply: str, claims=None) -> Draft:
    return draft.model_copy(update={"reply": reply, "claims": claims or draft.claims})


def test_an_extractive_draft_passes(offline_engine, customer):
    result = review(good_draft(offline_engine, customer), customer)
    assert result.passed, result.issues
    assert result.grounded_ratio == 1.0


def test_an_ungrounded_claim_is_caught(offline_engine, customer):
    draft = good_draft(offline_engine, customer)
    invented = Claim(text="Refunds are always paid in cash at our office.", uri=REFUND_PASSAGE.uri)
    result = review(draft.model_copy(update={"claims": [*draft.claims, invented]}), customer)
    assert not result.passed
    assert any(
        issue.startswith(f"grounding: claim {len(draft.claims) + 1}") for issue in result.issues
    )
    assert result.grounded_ratio < 1.0


def test_a_claim_citing_an_unknown_source_is_ungrounded(offline_engine, customer):
    draft = good_draft(offline_engine, customer)
    stray = Claim(text=draft.claims[0].text, uri="kb://articles/nowhere")
    result = review(draft.model_copy(update={"claims": [stray]}), customer)
    assert not result.passed and result.grounded_ratio == 0.0


def test_someone_elses_email_or_phone_is_caught_but_own_and_support_ones_are_not(
    offline_engine, customer
):
    draft = good_draft(offline_engine, customer)
    own = draft.reply.replace(
        "Best regards",
        "We'll write to priya@example.com or billing@tasklane.example.\n\nBest regards",
    )
    assert review(with_reply(draft, own), customer).passed
    foreign = draft.reply.replace(
        "Best regards", "Ask bob.smith@othercorp.com or call (415) 555-0132.\n\nBest regards"
    )
    issues = review(with_reply(draft, foreign), customer).issues
    assert "pii: remove the email address that is not the customer's own" in issues
    assert "pii: remove the phone number that is not the customer's own" in issues
    assert not any("othercorp" in issue or "555" in issue for issue in issues)


def test_rude_or_blaming_tone_is_caught(offline_engine, customer):
    draft = good_draft(offline_engine, customer)
    rude = draft.reply.replace("Best regards", "Obviously this was your fault.\n\nBest regards")
    issues = review(with_reply(draft, rude), customer).issues
    assert any(issue.startswith("tone:") and "your fault" in issue for issue in issues)


def test_too_short_and_too_long_replies_are_caught(offline_engine, customer):
    draft = good_draft(offline_engine, customer)
    short = (
        "Hi Priya, see [1].\n\nSources:\n[1] Refund policy — kb://articles/billing-refund-policy"
    )
    assert any(
        i.startswith("length: the reply is too short")
        for i in review(with_reply(draft, short), customer).issues
    )
    long = draft.reply.replace("Best regards", "Thanks again. " * 150 + "\n\nBest regards")
    assert any(
        i.startswith("length: the reply is too long")
        for i in review(with_reply(draft, long), customer).issues
    )


def test_markers_without_sources_are_caught(offline_engine, customer):
    draft = good_draft(offline_engine, customer)
    broken = draft.reply.replace("[1]", "[7]", 1)
    assert any(
        i.startswith("citations: markers [7]")
        for i in review(with_reply(draft, broken), customer).issues
    )


def test_a_reply_with_no_claims_fails(offline_engine):
    draft = Draft(reply="Hi there,\n\n" + "We'll be in touch soon. " * 10, citations=[], claims=[])
    result = review(draft, None)
    assert not result.passed and result.grounded_ratio == 0.0
