"""Markdown and plain-text files, with an optional front-matter block.

A file may start with ``key: value`` lines between ``---`` fences (id, title, category,
product, tags as a comma list, url, locale). What is missing is derived: the id from the file
name, the title from the first ``#`` heading, the category from the parent folder.
"""

from __future__ import annotations

import re
from pathlib import Path

from servers.kb.documents.base import Document, article, category_for, slug

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_TITLE = re.compile(r"^#\s+(.+?)\s*$", re.MULTILINE)


def read_markdown(path: Path, root: Path | None = None) -> list[Document]:
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        for line in match.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip()
        text = text[match.end():]
    title = _TITLE.search(text)
    found = article(
        str(path),
        id=meta.get("id") or slug(path.stem),
        title=meta.get("title") or (title.group(1) if title else path.stem),
        body=text.strip(),
        category=meta.get("category") or category_for(path, root),
        product=meta.get("product") or "all",
        tags=[tag.strip() for tag in meta.get("tags", "").split(",") if tag.strip()],
        url=meta.get("url") or None,
        locale=meta.get("locale") or None,
        source=str(path),
    )
    return [Document(found, markdown=path.suffix.lower() != ".txt")]
