"""Turn a folder of Markdown/text files into articles and load them into the knowledge base.

A file may start with a front-matter block of ``key: value`` lines between ``---`` fences
(id, title, category, product, tags as a comma list). What is missing is derived: the id from
the file name, the title from the first ``#`` heading, the category from the parent folder.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from tqdm import tqdm

from servers.kb.models import ArticleInput
from servers.kb.service import KnowledgeBase, KnowledgeBaseError

SUFFIXES = {".md": True, ".markdown": True, ".txt": False}
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_TITLE = re.compile(r"^#\s+(.+?)\s*$", re.MULTILINE)


class IngestError(KnowledgeBaseError):
    pass


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:128] or "untitled"


def parse_document(path: Path, root: Path | None = None) -> ArticleInput:
    """Read one file into an article; raises IngestError naming the file and the problem."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        for line in match.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip()
        text = text[match.end() :]
    title_match = _TITLE.search(text)
    parent = path.parent.name if root is None or path.parent != root else ""
    try:
        return ArticleInput(
            id=meta.get("id") or _slug(path.stem),
            title=meta.get("title") or (title_match.group(1) if title_match else path.stem),
            body=text.strip(),
            category=meta.get("category") or _slug(parent or "general"),
            product=meta.get("product") or "all",
            tags=[tag.strip() for tag in meta.get("tags", "").split(",") if tag.strip()],
        )
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()
        )
        raise IngestError(f"{path}: {problems}") from error


def find_documents(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise IngestError(f"{root}: no such file or directory")
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)


@dataclass
class IngestReport:
    statuses: Counter = field(default_factory=Counter)
    embedded: int = 0
    chunks: int = 0
    errors: list[str] = field(default_factory=list)


INGEST_BATCH = 128


async def ingest_paths(
    kb: KnowledgeBase, paths: Iterable[Path], root: Path | None = None, *, progress: bool = False
) -> IngestReport:
    """Upsert every document in batches; a bad file is reported and skipped, the rest load."""
    report = IngestReport()
    paths = list(paths)
    batch: dict[str, tuple[ArticleInput, bool]] = {}

    async def flush() -> None:
        for outcome in await kb.upsert_many(list(batch.values())):
            report.statuses[outcome.status] += 1
            report.embedded += outcome.embedded
            report.chunks += outcome.chunks
        batch.clear()

    for path in tqdm(paths, desc="ingest", unit="doc", disable=not progress, leave=False):
        try:
            article = parse_document(path, root)
        except (IngestError, UnicodeDecodeError, OSError) as error:
            report.errors.append(str(error))
            continue
        if article.id in batch:
            await flush()
        batch[article.id] = (article, SUFFIXES.get(path.suffix.lower(), True))
        if len(batch) >= INGEST_BATCH:
            await flush()
    await flush()
    if report.embedded or report.statuses["updated"]:
        await kb.store.refresh_indexes()
    return report


async def ingest_folder(kb: KnowledgeBase, root: Path, *, progress: bool = False) -> IngestReport:
    root = root.resolve()
    base = root if root.is_dir() else root.parent
    return await ingest_paths(kb, find_documents(root), base, progress=progress)


DEMO_DIR = Path(__file__).parent / "demo" / "articles"


async def load_demo_if_empty(kb: KnowledgeBase) -> IngestReport | None:
    """First start on an empty store: load the bundled help-center articles."""
    if not await kb.is_empty():
        return None
    return await ingest_folder(kb, DEMO_DIR)
