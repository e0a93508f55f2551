"""What every reader returns, and how it names what it derives."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from servers.kb.models import ArticleInput


class DocumentError(ValueError):
    """A file (or one article in it) that cannot become an article; the message names it."""


@dataclass(frozen=True)
class Document:
    article: ArticleInput
    markdown: bool = True
    """False for plain text (split at paragraphs only)."""


class ExportErrors(DocumentError):
    """Some articles of an export could not be read: the others are in ``documents``."""

    def __init__(self, documents: list[Document], problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.documents = documents
        self.problems = problems


def slug(text: str, limit: int = 128) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit] or "untitled"


def category_for(path: Path, root: Path | None) -> str:
    """The folder a file sits in names its category; files at the top are 'general'."""
    parent = path.parent.name if root is None or path.parent != root else ""
    return slug(parent or "general", 64)


def article(where: str, **fields) -> ArticleInput:
    """An article, or a DocumentError naming ``where`` and each field at fault."""
    try:
        return ArticleInput(**fields)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise DocumentError(f"{where}: {problems}") from error
