"""Split an article into passages that fit an embedding and read well as a citation.

Markdown is split at headings first (each passage remembers its section), then long sections
at paragraph boundaries. Plain text is split at paragraphs only.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True, slots=True)
class Chunk:
    index: int
    heading: str
    text: str

    def embedding_text(self, title: str) -> str:
        """Title and section travel with the passage: they carry much of its meaning."""
        context = f"{title} — {self.heading}" if self.heading else title
        return f"{context}\n{self.text}"

    def fingerprint(self, title: str) -> str:
        return hashlib.sha256(self.embedding_text(title).encode()).hexdigest()


def _sections(body: str) -> list[tuple[str, str]]:
    """(heading, text) pairs; the top-level title heading is dropped, it travels separately."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    in_fence = False
    for line in body.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match and len(match.group(1)) > 1:
            sections.append((match.group(2).strip(), []))
        elif match:
            continue
        else:
            sections[-1][1].append(line)
    return [(heading, "\n".join(lines).strip()) for heading, lines in sections]


def _paragraph_windows(text: str, max_chars: int) -> list[str]:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    windows: list[str] = []
    current = ""
    for paragraph in paragraphs:
        while len(paragraph) > max_chars:
            cut = paragraph.rfind(" ", 0, max_chars)
            cut = cut if cut > max_chars // 2 else max_chars
            if current:
                windows.append(current)
                current = ""
            windows.append(paragraph[:cut].strip())
            paragraph = paragraph[cut:].strip()
        if current and len(current) + 2 + len(paragraph) > max_chars:
            windows.append(current)
            current = paragraph
        else:
            current = f"{current}\n\n{paragraph}" if current else paragraph
    if current:
        windows.append(current)
    return windows


def chunk_article(body: str, *, markdown: bool = True, max_chars: int = 900) -> list[Chunk]:
    """Passages of at most ``max_chars`` characters, in reading order."""
    sections = _sections(body) if markdown else [("", body.strip())]
    chunks: list[Chunk] = []
    for heading, text in sections:
        for window in _paragraph_windows(text, max_chars):
            chunks.append(Chunk(index=len(chunks), heading=heading, text=window))
    return chunks
