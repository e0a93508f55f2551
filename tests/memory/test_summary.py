"""The extractive session summary: deterministic, verbatim, within its limits."""

from memory.models import Turn
from memory.summary import render, summarize

CONVERSATION = [
    Turn(role="customer", content="Hello! My team cannot log in since this morning. "
         "We get an SSO error on every login attempt."),
    Turn(role="agent", content="Thanks for reporting. Which identity provider do you use?"),
    Turn(role="customer", content="We use Okta for SSO."),
    Turn(role="agent", content="Your SSO certificate expired today. I renewed the SSO "
         "certificate and login works again. Have a nice day!"),
]


def test_the_summary_keeps_the_problem_and_the_outcome():
    picked = summarize(CONVERSATION, max_sentences=3)
    texts = [s.text for s in picked]
    assert len(texts) == 3
    assert any("SSO error" in t or "cannot log in" in t for t in texts)
    assert any("renewed the SSO certificate" in t for t in texts)
    assert all(any(t in turn.content for turn in CONVERSATION) for t in texts)  # verbatim
    assert [s.turn for s in picked] == sorted(s.turn for s in picked)  # in order


def test_the_summary_is_deterministic_and_within_limits():
    assert summarize(CONVERSATION) == summarize(CONVERSATION)
    short = summarize(CONVERSATION, max_chars=80)
    assert sum(len(s.text) + 2 for s in short) <= 80
    assert summarize([]) == []


def test_render_groups_sentences_by_speaker():
    rendered = render(summarize(CONVERSATION, max_sentences=2))
    lines = rendered.splitlines()
    assert lines[0].startswith("Customer: ") and lines[-1].startswith("Agent: ")
