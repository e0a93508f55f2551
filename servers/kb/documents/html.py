"""Saved help-center pages: the article's own content as Markdown, without the site around it.

The content is the page's ``<main>`` or ``<article>`` (or ``role="main"``, or a common
article-body class) when it has one; navigation, headers, footers, sidebars, scripts, forms
and breadcrumbs are dropped. Headings, lists, links and tables survive as Markdown. The
canonical link (or ``og:url``) is the article's public URL; ``<html lang>`` its language.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from markdownify import markdownify

from servers.kb.documents.base import Document, DocumentError, article, category_for, slug

# lxml's parser (python-docx already brings lxml) reads pages ~2x faster than html.parser.

_CONTENT = ("main", "article", "[role=main]", ".article-body", ".article-content",
            "#article-body", ".content")
_BOILERPLATE = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside",
                "form", "button", "iframe", "svg", "[role=navigation]", "[role=banner]",
                "[role=contentinfo]", "[aria-hidden=true]", ".breadcrumbs", ".breadcrumb",
                ".sidebar", ".cookie-banner", ".skip-link")
_BLANK_LINES = re.compile(r"\n{3,}")


def html_to_markdown(html: str) -> str:
    """An HTML fragment (an export's article body, say) as tidy Markdown."""
    soup = BeautifulSoup(html, "lxml")
    _drop_boilerplate(soup)
    return _markdown(soup)


def _drop_boilerplate(root: BeautifulSoup | Tag) -> None:
    for selector in _BOILERPLATE:
        for element in root.select(selector):
            element.decompose()


def _markdown(root: BeautifulSoup | Tag) -> str:
    text = markdownify(str(root), heading_style="ATX", bullets="-", strip=["img"])
    lines = [line.rstrip() for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _content(soup: BeautifulSoup) -> Tag:
    for selector in _CONTENT:
        found = soup.select_one(selector)
        if found is not None and found.get_text(strip=True):
            return found
    return soup.body or soup


def read_html(path: Path, root: Path | None = None) -> list[Document]:
    soup = BeautifulSoup(path.read_bytes(), "lxml")
    canonical = soup.select_one("link[rel=canonical][href]") or soup.select_one(
        "meta[property='og:url'][content]"
    )
    url = (canonical.get("href") or canonical.get("content")) if canonical else None
    lang = soup.html.get("lang") if soup.html else None
    page_title = soup.title.get_text(strip=True) if soup.title else ""
    content = _content(soup)
    _drop_boilerplate(content)
    heading = content.find("h1")
    title = heading.get_text(" ", strip=True) if heading else page_title or path.stem
    if heading is not None:
        heading.decompose()  # the title travels separately
    body = _markdown(content)
    if not body:
        raise DocumentError(f"{path}: no article text found in the page")
    return [Document(article(
        str(path), id=slug(path.stem), title=title[:300], body=f"# {title}\n\n{body}",
        category=category_for(path, root),
        url=url if url and url.startswith(("http://", "https://")) else None,
        locale=str(lang)[:16] if lang else None, source=str(path),
    ))]
