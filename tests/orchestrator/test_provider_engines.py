"""The Anthropic and OpenAI engines against a local fake of each API, through the real SDKs."""

from __future__ import annotations

import json
import socket

import pytest

from orchestrator.engines.anthropic_engine import AnthropicEngine
from orchestrator.domain import (
    KB_CATEGORIES,
    Customer,
    Draft,
    DraftRequest,
    ReviewRequest,
    TriageRequest,
)
from orchestrator.engines.base import EngineError, LLMEngine
from orchestrator.engines.openai_engine import OpenAIEngine
from orchestrator.engines.provider import ProviderOptions
from tests.orchestrator.conftest import CARD_PASSAGE, REFUND_PASSAGE, make_triage
from tests.orchestrator.fake_providers import running_fake_providers

SECRETS = ("4242 4242 4242 4242", "ann.lee@acme.example", "(415) 555-0132")
MESSAGE = f"We were charged twice. Card {SECRETS[0]}, write to {SECRETS[1]} or call {SECRETS[2]}."
VERDICT = {
    "category": "billing",
    "priority": "normal",
    "sentiment": "negative",
    "sentiment_score": -1.7,
    "confidence": 0.92,
    "signals": [],
    "reasons": ["duplicate charge"],
}
PASSAGES = [CARD_PASSAGE, REFUND_PASSAGE]
CUSTOMER = Customer(id="C-1", name="Ann Lee", tier="pro", email="ann.lee@acme.example")


@pytest.fixture(params=["anthropic", "openai"])
async def provider(request):
    async with running_fake_providers() as fake:
        if request.param == "anthropic":
            engine = AnthropicEngine(
                ProviderOptions("claude-sonnet-5", "test-key", base_url=fake.url, max_retries=0)
            )
            fake.reply = fake.anthropic_reply
        else:
            engine = OpenAIEngine(
                ProviderOptions(
                    "gpt-5.4-mini", "test-key", base_url=f"{fake.url}/v1", max_retries=0
                )
            )
            fake.reply = fake.openai_reply
        try:
            yield request.param, engine, fake
        finally:
            await engine.aclose()


def schema_sent(kind: str, body: dict) -> dict:
    if kind == "anthropic":
        assert body["output_config"]["format"]["type"] == "json_schema"
        return body["output_config"]["format"]["schema"]
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True
    return body["response_format"]["json_schema"]["schema"]


async def test_provider_engines_are_llm_engines(provider):
    kind, engine, _ = provider
    assert isinstance(engine, LLMEngine)
    assert engine.name in {"anthropic:claude-sonnet-5", "openai:gpt-5.4-mini"}


async def test_triage_sends_the_schema_and_only_redacted_text(provider):
    kind, engine, fake = provider
    fake.reply(VERDICT)
    triage = await engine.triage(
        TriageRequest(subject="Charged twice", message=MESSAGE, customer=CUSTOMER)
    )
    sent = fake.requests[0]
    schema = schema_sent(kind, sent.json)
    assert schema["properties"]["category"]["enum"] == list(KB_CATEGORIES)
    assert set(schema["required"]) >= {"category", "priority", "sentiment", "confidence"}
    raw = sent.raw.decode()
    assert all(secret not in raw for secret in SECRETS)
    assert "[card]" in raw and "[email]" in raw and "[phone]" in raw
    assert "test-key" in (sent.headers.get("x-api-key", "") + sent.headers.get("authorization", ""))

    assert triage.category == "billing" and triage.sentiment == "negative"
    assert triage.sentiment_score == -1.0  # clamped into range
    assert "refund" in triage.signals  # the local rules add what the model left out
    assert [f.kind for f in triage.pii] == ["card", "email", "phone"]
    assert triage.redacted_message.startswith("We were charged twice. Card [card]")


async def test_draft_renumbers_markers_and_adds_sources(provider):
    kind, engine, fake = provider
    fake.reply(
        {
            "reply": "Hi Ann,\n\n1. Open the invoice you want refunded. [2]\n"
            "2. Click Request refund. [2]\n\nBest regards",
            "claims": [
                {"text": "Open the invoice you want refunded.", "passage": 2},
                {"text": "Click Request refund.", "passage": 2},
            ],
        }
    )
    draft = await engine.draft(
        DraftRequest(message=MESSAGE, customer=CUSTOMER, triage=make_triage(), passages=PASSAGES)
    )
    body = json.dumps(fake.requests[0].json)
    assert all(secret not in body for secret in SECRETS[:1])  # the card never leaves
    assert "properties" in json.dumps(schema_sent(kind, fake.requests[0].json))
    assert "1. Open the invoice you want refunded. [1]" in draft.reply
    assert draft.reply.endswith(
        "Sources:\n[1] Refund policy and how to request a refund — kb://articles/billing-refund-policy"
    )
    assert [c.article_id for c in draft.citations] == ["billing-refund-policy"]
    assert {claim.uri for claim in draft.claims} == {REFUND_PASSAGE.uri}


async def test_review_combines_the_models_grounding_with_local_checks(provider):
    kind, engine, fake = provider
    fake.reply({"unsupported_claims": [2, 9], "issues": ["promises a refund"]})
    reply = (
        "Hi Ann,\n\nWe'll refund you today. Our accountant bob@othercorp.example will confirm. "
        "Open the invoice you want refunded [1] and click Request refund [1]. "
        + "Thanks! " * 10
        + "\n\nSources:\n[1] Refund policy — kb://articles/billing-refund-policy"
    )
    draft = Draft(
        reply=reply,
        citations=[
            {
                "uri": REFUND_PASSAGE.uri,
                "article_id": REFUND_PASSAGE.article_id,
                "title": REFUND_PASSAGE.title,
            }
        ],
        claims=[
            {"text": "Open the invoice you want refunded.", "uri": REFUND_PASSAGE.uri},
            {"text": "We'll refund you today.", "uri": REFUND_PASSAGE.uri},
        ],
    )
    review = await engine.review(
        ReviewRequest(draft=draft, passages=PASSAGES, customer=CUSTOMER, triage=make_triage())
    )
    assert "bob@othercorp.example" not in fake.requests[0].raw.decode()
    assert not review.passed and review.grounded_ratio == 0.5
    assert "grounding: claim 2 is not supported by its cited source" in review.issues
    assert "review: promises a refund" in review.issues
    assert "pii: remove the email address that is not the customer's own" in review.issues


@pytest.mark.parametrize(
    "output", ['{"category": "billing"}', "this is not json", '{"category": "weather"}']
)
async def test_malformed_output_is_a_clear_engine_error(provider, output):
    kind, engine, fake = provider
    fake.reply(output)
    with pytest.raises(EngineError, match=r"malformed TriageVerdict from the provider"):
        await engine.triage(TriageRequest(message="where is my invoice?"))


async def test_a_draft_citing_a_passage_that_was_not_given_is_malformed(provider):
    kind, engine, fake = provider
    fake.reply({"reply": "Hi [5]", "claims": [{"text": "x", "passage": 5}]})
    with pytest.raises(EngineError, match=r"claims.passage: 5 is not one of the 2 passages"):
        await engine.draft(DraftRequest(message="hi", triage=make_triage(), passages=PASSAGES))


async def test_provider_http_errors_become_engine_errors(provider):
    kind, engine, fake = provider
    fake.error_reply(500)
    with pytest.raises(EngineError, match=r"HTTP 500"):
        await engine.triage(TriageRequest(message="where is my invoice?"))


async def test_a_truncated_or_refused_answer_is_an_engine_error(provider):
    kind, engine, fake = provider
    if kind == "anthropic":
        fake.anthropic_reply('{"category": "bil', stop_reason="max_tokens")
        expected = r"stop reason max_tokens"
    else:
        fake.openai_reply(None, refusal="I can't help with that.")
        expected = r"refused"
    with pytest.raises(EngineError, match=expected):
        await engine.triage(TriageRequest(message="where is my invoice?"))


@pytest.mark.parametrize("engine_class", [AnthropicEngine, OpenAIEngine])
async def test_an_unreachable_provider_is_an_engine_error(engine_class):
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    engine = engine_class(
        ProviderOptions("m", "test-key", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)
    )
    try:
        with pytest.raises(EngineError, match=r"the provider call failed \(APIConnectionError"):
            await engine.triage(TriageRequest(message="where is my invoice?"))
    finally:
        await engine.aclose()


async def test_published_passages_reach_the_drafter_unredacted(provider):
    kind, engine, fake = provider
    fake.reply({"reply": "Hi Ann, email billing@tasklane.example [1].", "claims": []})
    await engine.draft(
        DraftRequest(message="refund?", triage=make_triage(), passages=[REFUND_PASSAGE])
    )
    assert "billing@tasklane.example" in fake.requests[0].raw.decode()
