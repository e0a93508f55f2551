"""The reply eval's dataset is what the issue asks for, and its checks catch bad replies."""

from collections import Counter
from pathlib import Path

import pytest

from bench.reply_eval import DATASET, LANGUAGE_NAMES, load, reply_problems, score
from orchestrator.domain import KB_CATEGORIES

ITEMS = load(DATASET)
ARTICLES_DIR = Path(__file__).parents[2] / "servers/kb/demo/articles"


def test_the_dataset_is_large_varied_split_once_and_well_formed():
    assert len(ITEMS) >= 250
    assert len({item["id"] for item in ITEMS}) == len(ITEMS)
    halves = Counter(item["half"] for item in ITEMS)
    assert set(halves) == {"tuning", "held-out"} and min(halves.values()) >= 125
    other = [item for item in ITEMS if item["expected_language"] != "en"]
    assert len(other) >= 0.1 * len(ITEMS)
    assert {item["expected_language"] for item in other} <= set(LANGUAGE_NAMES)
    styles = Counter(style for item in ITEMS for style in item["styles"])
    for style in ("multi", "thanks", "angry", "threat", "privacy", "signature", "forwarded",
                  "quoted", "typos", "non-english"):
        assert styles[style] >= 5, style
    for item in ITEMS:
        assert item["message"].strip()
        assert item["expected_category"] in (*KB_CATEGORIES, None)
        assert item["expected_route"] in {"resolved", "approval"}
        assert len(item["reply_must"]) == len(item["answering_articles"])


def test_every_fact_a_reply_must_state_is_in_its_answering_article():
    for item in ITEMS:
        for article, alternatives in zip(item["answering_articles"], item["reply_must"],
                                         strict=True):
            text = (ARTICLES_DIR / f"{article}.md").read_text().lower()
            assert any(term.lower() in text for term in alternatives.split("|")), (
                item["id"], article, alternatives)


def _item(**changes):
    item = {"id": "x", "half": "held-out", "styles": ["plain"], "expected_language": "en",
            "expected_category": "billing", "expected_route": "resolved",
            "answering_articles": ["billing-download-invoices"],
            "reply_must": ["Settings > Billing"], "reply_must_not": ["permanently"]}
    return {**item, **changes}


GOOD = {"status": "resolved", "category": "billing", "language": "en",
        "reply": "Hi Ann,\n\nThanks for getting in touch.\n\n1. Open Settings > Billing. [1]",
        "citations": [{"article_id": "billing-download-invoices"}]}


def test_a_good_reply_passes():
    assert reply_problems(_item(), GOOD) == []


@pytest.mark.parametrize(("item", "outcome", "problem"), [
    (_item(), {**GOOD, "reply": "Hi Ann,\n\nOpen the menu."}, "missing"),
    (_item(), {**GOOD, "reply": GOOD["reply"] + " Deleted permanently."}, "says"),
    (_item(styles=["thanks"], reply_must=[], answering_articles=[]), GOOD, "steps or sources"),
    (_item(styles=["angry"]), GOOD, "no apology first"),
    (_item(expected_language="es"), {**GOOD, "language": "en"}, "language"),
    (_item(expected_language="de"),
     {**GOOD, "language": "de", "status": "escalated", "approval": {"reasons": ["other"]}},
     "does not name German"),
])
def test_the_reply_checks_catch_what_a_support_lead_would_not_send(item, outcome, problem):
    assert any(problem in p for p in reply_problems(item, outcome))


def test_a_reply_that_changes_between_passes_is_not_deterministic():
    figures = score([_item()], [[GOOD], [{**GOOD, "reply": GOOD["reply"] + "!"}]])["figures"]
    assert figures["held-out"]["deterministic"] == (0, 1)
    assert figures["held-out"]["reply checks"] == (1, 1)
