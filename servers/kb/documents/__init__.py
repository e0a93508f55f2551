"""Help-center documents as articles: one reader per format, chosen by the file's suffix.

Markdown and text (with optional front matter), saved HTML pages, PDF, Word (.docx) and a
help-center JSON export (many articles in one file). Each reader returns the articles it
found, or raises ``DocumentError`` naming the file and the reason.
"""

from __future__ import annotations

from pathlib import Path

from servers.kb.documents.base import Document, DocumentError
from servers.kb.documents.export import read_export
from servers.kb.documents.html import read_html
from servers.kb.documents.markdown import read_markdown
from servers.kb.documents.office import read_docx, read_pdf

READERS = {
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".txt": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".pdf": read_pdf,
    ".docx": read_docx,
    ".json": read_export,
}

__all__ = ["READERS", "Document", "DocumentError", "read_document"]


def read_document(path: Path, root: Path | None = None) -> list[Document]:
    """The articles in one file; ``root`` is the folder being ingested (for categories)."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise DocumentError(f"{path}: unsupported type {path.suffix or '(none)'!r}; "
                            f"supported: {', '.join(sorted(READERS))}")
    try:
        return reader(path, root)
    except DocumentError:
        raise
    except UnicodeDecodeError:
        raise DocumentError(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise DocumentError(f"{path}: cannot be read ({error.strerror or error})") from None
