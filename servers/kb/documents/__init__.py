"""Help-center documents as articles: one reader per format, chosen by the file's suffix.

Markdown and text (with optional front matter), saved HTML pages, PDF, Word (.docx) and a
help-center JSON export (many articles in one file). Each reader returns the articles it
found, or raises ``DocumentError`` naming the file and the reason.

A reader's module is imported when a file of its format is first read: the HTML, PDF and
Word libraries would otherwise add a tenth of a second to every server start.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from servers.kb.documents.base import Document, DocumentError, ExportErrors

Reader = Callable[[Path, Path | None], list[Document]]

READERS = {  # suffix -> (module in this package, its reader)
    ".md": ("markdown", "read_markdown"),
    ".markdown": ("markdown", "read_markdown"),
    ".txt": ("markdown", "read_markdown"),
    ".html": ("html", "read_html"),
    ".htm": ("html", "read_html"),
    ".pdf": ("office", "read_pdf"),
    ".docx": ("office", "read_docx"),
    ".json": ("export", "read_export"),
}

__all__ = ["READERS", "Document", "DocumentError", "ExportErrors", "read_document"]


def _reader(suffix: str) -> Reader | None:
    if (where := READERS.get(suffix)) is None:
        return None
    module, function = where
    return getattr(import_module(f"{__name__}.{module}"), function)


def read_document(path: Path, root: Path | None = None) -> list[Document]:
    """The articles in one file; ``root`` is the folder being ingested (for categories)."""
    reader = _reader(path.suffix.lower())
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
