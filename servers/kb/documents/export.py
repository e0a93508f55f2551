"""A help-center JSON export: many articles in one file, in the shape the common help desks
write — a list of articles, or an object holding one under ``articles``, ``data`` or ``items``.

Each article needs an id, a title and a body (HTML: ``body``, ``body_html``, ``description``
or ``content``); its public URL (``html_url``, ``url``, ``public_url``), section or category,
locale and labels are kept when present. One bad article is reported; the others go in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from servers.kb.documents.base import (
    Document,
    DocumentError,
    ExportErrors,
    article,
    category_for,
    slug,
)
from servers.kb.documents.html import html_to_markdown

_LISTS = ("articles", "data", "items", "results")
_BODY = ("body", "body_html", "description", "content", "html")
_URL = ("html_url", "url", "public_url", "link")
_CATEGORY = ("category", "category_name", "section", "section_name", "folder")
_TAGS = ("label_names", "labels", "tags", "keywords")


def _first(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = item.get(key)
        if isinstance(value, dict):  # {"category": {"name": "Billing"}}
            value = value.get("name") or value.get("title")
        if value not in (None, "", []):
            return value
    return None


def _articles(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in _LISTS:
            if isinstance(data.get(key), list):
                return data[key]
    raise DocumentError("no list of articles (expected a list, or one under 'articles')")


def read_export(path: Path, root: Path | None = None) -> list[Document]:
    try:
        items = _articles(json.loads(path.read_text(encoding="utf-8")))
    except json.JSONDecodeError as error:
        raise DocumentError(f"{path}: not JSON ({error.msg} at line {error.lineno})") from None
    except DocumentError as error:
        raise DocumentError(f"{path}: {error}") from None
    documents: list[Document] = []
    problems: list[str] = []
    for number, item in enumerate(items, start=1):
        where = f"{path} article {number}"
        try:
            documents.append(_document(item, where, path, root))
        except DocumentError as error:
            problems.append(str(error))
    if problems:
        raise ExportErrors(documents, problems)
    return documents


def _document(item: Any, where: str, path: Path, root: Path | None) -> Document:
    if not isinstance(item, dict):
        raise DocumentError(f"{where}: not an object")
    raw_id = item.get("id")
    if raw_id in (None, ""):
        raise DocumentError(f"{where}: id: missing")
    title = str(item.get("title") or item.get("name") or "").strip()
    body_html = _first(item, _BODY)
    body = html_to_markdown(str(body_html)) if body_html else ""
    if not body:
        raise DocumentError(f"{where} (id {raw_id}): body: missing or empty")
    category = _first(item, _CATEGORY)
    tags = _first(item, _TAGS) or []
    url = _first(item, _URL)
    return Document(article(
        f"{where} (id {raw_id})",
        id=slug(str(raw_id)), title=title[:300], body=f"# {title}\n\n{body}",
        category=slug(str(category), 64) if category else category_for(path, root),
        tags=[str(tag) for tag in tags][:32] if isinstance(tags, list) else [],
        url=str(url) if url else None, locale=str(item.get("locale") or "")[:16] or None,
        source=str(url or path),
    ))
