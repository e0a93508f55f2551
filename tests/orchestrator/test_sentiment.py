import pytest

from orchestrator.engines.offline.sentiment import analyse


@pytest.mark.parametrize(
    "text",
    [
        "This is unacceptable. Third time this month the app is down!!!",
        "I am really frustrated, nobody answers and I have wasted two days",
        "THE WHOLE TEAM IS LOCKED OUT AND NOBODY HELPS",
        "I am not happy with how this was handled",
    ],
)
def test_angry_or_disappointed_messages_are_negative(text):
    result = analyse(text)
    assert result.label == "negative" and result.score < -0.3


@pytest.mark.parametrize(
    "text",
    [
        "You charged us twice this month. If this isn't fixed today I'm filing a chargeback "
        "with my bank.",
        "If this isn't sorted by Friday I'm disputing the charge with my bank.",
        "If I don't hear back this week I will be passing this to our lawyer.",
        "Sort it out or we take legal action.",
    ],
)
def test_a_threat_said_calmly_is_negative(text):
    """A chargeback, a lawyer or legal action: the customer is unhappy, whatever the tone."""
    assert analyse(text).label == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "How do I export a project to CSV? Thanks!",
        "I get error 429 from the API when syncing",
        "The upload is broken and I keep getting an error.",
    ],
)
def test_calm_questions_and_bug_reports_are_neutral(text):
    assert analyse(text).label == "neutral"


def test_praise_is_positive():
    result = analyse("Love the new calendar sync, great work!")
    assert result.label == "positive" and result.score > 0.5


def test_negation_flips_and_intensifiers_strengthen():
    assert analyse("not happy").score < 0 < analyse("happy").score
    assert analyse("really disappointed").score < analyse("disappointed").score


def test_exclamation_marks_amplify():
    assert analyse("This is terrible!!!").score < analyse("This is terrible.").score


def test_negation_does_not_reach_across_sentences():
    assert analyse("We have no signal in the tunnel. Really frustrating.").label == "negative"


def test_scores_stay_within_minus_one_and_one():
    text = "worst awful terrible horrible useless pathetic " * 20
    assert -1.0 <= analyse(text).score <= 1.0
