"""PDF and Word files: text out of pypdf, Word through mammoth's HTML (headings and lists kept).

A PDF with no text layer (a scan) is refused rather than ingested empty: it needs OCR first.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import mammoth
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from servers.kb.documents.base import Document, DocumentError, article, category_for, slug
from servers.kb.documents.html import html_to_markdown


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
        with path.open("rb") as file:
            html = mammoth.convert_to_html(file).value
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise DocumentError(f"{path}: not a readable Word file ({type(error).__name__})") from None
    body = html_to_markdown(html)
    if not body:
        raise DocumentError(f"{path}: the document has no text")
    heading = next((line[2:].strip() for line in body.splitlines() if line.startswith("# ")), "")
    return [Document(article(
        str(path), id=slug(path.stem), title=(heading or path.stem)[:300], body=body,
        category=category_for(path, root), source=str(path),
    ))]
