"""PDF and Word files: text out of pypdf; Word paragraphs and tables through python-docx, with
headings and list items kept as Markdown (python-docx reads a file in ~8 ms where mammoth's
pure-Python XML parsing took ~200 ms).

A PDF with no text layer (a scan) is refused rather than ingested empty: it needs OCR first.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from servers.kb.documents.base import Document, DocumentError, article, category_for, slug

_HEADING = re.compile(r"^heading (\d)$", re.IGNORECASE)


def read_pdf(path: Path, root: Path | None = None) -> list[Document]:
    try:
        reader = PdfReader(path, strict=False)
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or ""
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        raise DocumentError(f"{path}: not a readable PDF ({type(error).__name__})") from None
    text = "\n\n".join(page for page in pages if page)
    if not text:
        raise DocumentError(f"{path}: the PDF has no text layer (a scan?); OCR it first")
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    title = (title.strip() or first_line or path.stem)[:300]
    return [Document(article(
        str(path), id=slug(path.stem), title=title, body=text,
        category=category_for(path, root), source=str(path),
    ), markdown=False)]


def read_docx(path: Path, root: Path | None = None) -> list[Document]:
    try:
        document = docx.Document(str(path))
        blocks = [_block(item) for item in document.iter_inner_content()]
        title = (document.core_properties.title or "").strip()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise DocumentError(f"{path}: not a readable Word file ({type(error).__name__})") from None
    body = "\n\n".join(_tidy_lists([block for block in blocks if block]))
    if not body:
        raise DocumentError(f"{path}: the document has no text")
    heading = next((line[2:].strip() for line in body.splitlines() if line.startswith("# ")), "")
    return [Document(article(
        str(path), id=slug(path.stem), title=(title or heading or path.stem)[:300], body=body,
        category=category_for(path, root), source=str(path),
    ))]


def _block(item: Paragraph | Table) -> str:
    if isinstance(item, Table):
        rows = [[" ".join(cell.text.split()) for cell in row.cells] for row in item.rows]
        if not rows:
            return ""
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * len(rows[0])]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows[1:]])
    text = " ".join(item.text.split())
    if not text:
        return ""
    style = (item.style.name if item.style is not None else "") or ""
    level = _HEADING.match(style)
    if style == "Title":
        return f"# {text}"
    if level:
        return f"{'#' * min(int(level.group(1)), 6)} {text}"
    if style.startswith("List Number"):
        return f"1. {text}"
    if style.startswith("List") or item._p.pPr is not None and item._p.pPr.numPr is not None:
        return f"- {text}"
    return text


def _tidy_lists(blocks: list[str]) -> list[str]:
    """Consecutive list items form one list (no blank line between them)."""
    merged: list[str] = []
    for block in blocks:
        is_item = block.startswith(("- ", "1. "))
        if is_item and merged and merged[-1].splitlines()[-1].startswith(("- ", "1. ")):
            merged[-1] += "\n" + block
        else:
            merged.append(block)
    return merged
