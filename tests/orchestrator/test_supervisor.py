"""The supervisor loads who the customer is and what they wrote before, for the agents."""

from fastmcp import Client

from tests.orchestrator.requests import resolve


async def test_a_terse_follow_up_is_read_with_the_customers_latest_ticket(resolve_server):
    """'still not working' says nothing on its own: it is triaged with what the customer
    wrote about last (their newest ticket), not with an older one."""
    rig = resolve_server()
    async with Client(rig.server) as client:
        await resolve(client, "carmen@example.org", "Password reset link expired",
                      "My password reset link says it has expired, I can't log in")
        out = await resolve(client, "carmen@example.org", "(no subject)", "still not working!")
    triage = next(s for s in out["trace"] if s["agent"] == "triage")
    assert out["category"] == "account", triage["summary"]
