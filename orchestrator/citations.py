"""How a reply cites: ``[n]`` markers in the text and a ``Sources:`` list at the end.

One format for every engine, so the quality checks and the graph read citations the same way
whichever engine wrote the reply.
"""

from __future__ import annotations

import re

from orchestrator.domain import Citation, Passage

SOURCES_HEADING = "Sources:"
MARKER = re.compile(r"\[(\d{1,2})\]")
_SOURCES_BLOCK = re.compile(rf"\n\s*{re.escape(SOURCES_HEADING)}\s*\n", re.IGNORECASE)


def citation_for(passage: Passage) -> Citation:
    return Citation(
        uri=passage.uri, article_id=passage.article_id, title=passage.title, url=passage.url
    )


def render_sources(citations: list[Citation]) -> str:
    """``Sources:`` then one ``[n] Title — link`` line per citation: the article's public page
    when the help center has one (the customer can open it), else its kb://articles/id."""
    lines = [f"[{n}] {c.title} — {c.url or c.uri}" for n, c in enumerate(citations, start=1)]
    return "\n".join([SOURCES_HEADING, *lines])


def split_sources(reply: str) -> tuple[str, str]:
    """(body, sources block); the block is '' when the reply has none."""
    match = _SOURCES_BLOCK.search(reply)
    if match is None:
        return reply, ""
    return reply[: match.start()], reply[match.start() :].strip()


def markers_in(text: str) -> list[int]:
    return [int(number) for number in MARKER.findall(text)]
