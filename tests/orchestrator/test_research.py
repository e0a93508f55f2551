"""Research searches the whole help center with the triaged category ranked first."""

from fastmcp import Client

from tests.orchestrator.requests import resolve


async def test_the_triaged_category_ranks_first_without_hiding_the_rest(resolve_server):
    rig = resolve_server()
    async with Client(rig.server) as client:
        out = await resolve(client, "carmen@example.org", "AGAIN?!",
                            "The app has been down for over an hour. This is the second outage "
                            "this week. What is going on?")
    triage = next(s for s in out["trace"] if s["agent"] == "triage")
    assert "outages" in triage["summary"]
    found = next(s for s in out["trace"] if s["agent"] == "research")["citations"]
    # Searched unranked, an account article comes first here; ranked, an outage one does.
    assert found[0].startswith("kb://articles/outages-"), found
    assert any(not uri.startswith("kb://articles/outages-") for uri in found), found


async def test_a_passage_that_announces_steps_comes_with_them(resolve_server):
    """The blank-screen article's best section is its introduction, which ends "try these
    fixes in order."; the reply gives the fixes that follow, not the announcement, and more than
    the first of them."""
    rig = resolve_server()
    async with Client(rig.server) as client:
        out = await resolve(client, "carmen@example.org", "White window",
                            "desktop app just white screen after updat pls help")
    assert out["citations"][0]["article_id"] == "bugs-desktop-app-blank-screen"
    assert "try these fixes in order" not in out["reply"]
    # The first fix (update the app), in the next section, and the second one after it.
    assert "latest version" in out["reply"] or "Check for updates" in out["reply"]
    assert "hardware acceleration" in out["reply"], out["reply"]


async def test_the_first_article_is_read_through_not_only_its_matched_section(resolve_server):
    """Search matches the article's introduction; the answer is in the section after it."""
    rig = resolve_server()
    async with Client(rig.server) as client:
        out = await resolve(client, "carmen@example.org", "Data after cancelling",
                            "If we cancel, how long do we have to get our data out before "
                            "it's deleted?")
    assert [c["article_id"] for c in out["citations"]] == ["data-export-after-cancellation"]
    assert "Cancelling doesn't delete anything." in out["reply"], out["reply"]


async def test_each_of_several_questions_is_answered_from_its_article_read_through(
        resolve_server):
    """Search matches each article's introduction; each answer is further down its article.
    A question is restated without the label before it."""
    rig = resolve_server()
    async with Client(rig.server) as client:
        out = await resolve(client, "carmen@example.org", "Two questions",
                            "Feature questions: can a task have more than one assignee? And "
                            "can I use Tasklane offline on a plane?")
    assert "You asked about 2 things" in out["reply"], out["reply"]
    assert "1) Can a task have more than one assignee?" in out["reply"], out["reply"]
    assert "Feature questions" not in out["reply"]
    assert [c["article_id"] for c in out["citations"]] == [
        "feature-requests-limitation-multiple-assignees",
        "feature-requests-limitation-offline-access",
    ]
    # The direct answers, from the sections after the ones search matched.
    assert "Each Tasklane task has one assignee" in out["reply"], out["reply"]
    assert "Keep available offline" in out["reply"], out["reply"]
