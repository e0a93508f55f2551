"""Lead-ins: a passage that announces what follows, and the article text that follows it."""

from orchestrator.lead_ins import FOLLOWING_CHARS, announces_more, is_lead_in, what_follows

BODY = """# Desktop app opens to a blank screen

If the app opens to an empty window, try these fixes in order.

## 1. Update

Download the latest version.

## 2. Turn off hardware acceleration

Go to Help → Troubleshooting.
"""
INTRO = "If the app opens to an empty window, try these fixes in order."


def test_a_sentence_announcing_what_follows_is_a_lead_in():
    assert is_lead_in(INTRO)
    assert is_lead_in("Work through the steps below.") and is_lead_in("Check these settings:")
    assert not is_lead_in("Download the latest version.")
    assert not is_lead_in("If you see one of the messages below, your data is safe.")


def test_a_passage_announces_more_only_by_its_last_line():
    assert announces_more(f"Some context.\n\n{INTRO}\n")
    assert not announces_more(f"{INTRO}\n\nDownload the latest version.")
    assert not announces_more("")


def test_what_follows_is_the_rest_of_the_article_after_the_passage_in_whole_lines():
    assert what_follows(BODY, INTRO).startswith("## 1. Update\n\nDownload the latest version.")
    long_body = INTRO + "\n" + "\n".join(f"Step {n} of a long list." for n in range(200))
    following = what_follows(long_body, INTRO)
    assert following.endswith("of a long list.") and len(following) <= FOLLOWING_CHARS
    assert what_follows(BODY, "A passage the article does not hold.") == ""
    assert what_follows(BODY, "") == ""
