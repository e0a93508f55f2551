"""Requests with a known route through the offline engine over the demo data."""

PASSWORD = {
    "customer": "bob@example.com",
    "subject": "Forgot my password",
    "message": "Hi, how do I reset my password? I can't remember it.",
}
REFUND = {
    "customer": "carmen@example.org",
    "subject": "Refund please",
    "message": "We paid for the annual Pro plan last week by mistake. Can we get a refund?",
}
GIBBERISH = {
    "customer": "bob@example.com",
    "subject": "hello",
    "message": "Blue giraffes hum quietly under the marmalade moon.",
}


async def resolve(client, customer: str, subject: str, message: str) -> dict:
    """``triage_and_resolve`` through ``client``: the outcome's structured content."""
    return (await client.call_tool("triage_and_resolve", {
        "customer": customer, "subject": subject, "message": message,
    })).structured_content
