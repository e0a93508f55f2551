"""Load a folder of help-center documents into one tenant's knowledge base.

Files are read by their format (``servers.kb.documents``); a file that cannot be read is
reported by name with the reason and the rest go in. Articles are written in batches, each
article whole or not at all. The progress bar counts every step of the work: reading each
file, then chunking, embedding and writing each passage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from servers.kb.chunking import chunk_article
from servers.kb.documents import READERS, Document, DocumentError, ExportErrors, read_document
from servers.kb.service import KnowledgeBase, KnowledgeBaseError

INGEST_BATCH = 128
DEMO_DIR = Path(__file__).parent / "demo" / "articles"


class IngestError(KnowledgeBaseError):
    pass


def find_documents(root: Path) -> list[Path]:
    """Every file under ``root`` (hidden ones aside), or ``root`` itself when it is a file."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise IngestError(f"{root}: no such file or directory")
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


@dataclass
class IngestReport:
    statuses: Counter = field(default_factory=Counter)
    embedded: int = 0
    chunks: int = 0
    errors: list[str] = field(default_factory=list)
    """One line per file (or export article) not ingested: its name and the reason."""

    def summary(self) -> str:
        counts = ", ".join(f"{n} {status}" for status, n in sorted(self.statuses.items()))
        return (
            f"ingested {sum(self.statuses.values())} articles ({counts or 'none'}); "
            f"{self.chunks} passages, {self.embedded} embedded; {len(self.errors)} skipped"
        )


def read_all(paths: list[Path], root: Path | None, report: IngestReport,
             bar: tqdm) -> list[Document]:
    """Every article the files hold; what cannot be read goes into ``report.errors``."""
    documents: list[Document] = []
    for path in paths:
        bar.set_description(f"reading {path.name[:30]}")
        try:
            documents.extend(read_document(path, root))
        except ExportErrors as partial:
            documents.extend(partial.documents)
            report.errors.extend(partial.problems)
        except DocumentError as error:
            report.errors.append(str(error))
        bar.update(1)
    return documents


def _unique_by_id(documents: list[Document], report: IngestReport) -> list[Document]:
    seen: dict[str, Document] = {}
    for document in documents:
        first = seen.setdefault(document.article.id, document)
        if first is not document:
            report.errors.append(
                f"{document.article.source}: id {document.article.id!r} is also the id of "
                f"{first.article.source}; kept the first"
            )
    return list(seen.values())


async def ingest_paths(
    kb: KnowledgeBase,
    tenant: str,
    paths: Iterable[Path],
    root: Path | None = None,
    *,
    progress: bool = False,
) -> IngestReport:
    """Read every file, then upsert its articles into ``tenant``'s help center in batches."""
    report = IngestReport()
    paths = list(paths)
    with tqdm(total=len(paths), unit="step", disable=not progress, leave=True,
              dynamic_ncols=True) as bar:
        documents = _unique_by_id(read_all(paths, root, report, bar), report)
        # Chunking is cheap: counting passages up front makes the bar's total the whole work.
        bar.total = len(paths) + 3 * sum(
            len(chunk_article(d.article.body, markdown=d.markdown, max_chars=kb.chunk_chars))
            for d in documents
        )
        bar.refresh()

        def advance(stage: str, chunks: int) -> None:
            bar.set_description(stage)
            bar.update(chunks)

        for start in range(0, len(documents), INGEST_BATCH):
            batch = documents[start:start + INGEST_BATCH]
            outcomes = await kb.upsert_many(
                tenant, [(d.article, d.markdown) for d in batch], progress=advance
            )
            for outcome in outcomes:
                report.statuses[outcome.status] += 1
                report.embedded += outcome.embedded
                report.chunks += outcome.chunks
        bar.set_description("done")
        bar.n = bar.total  # unchanged articles may have fewer stored passages than counted
        bar.refresh()
    # A shared store's indexes are the upkeep job's, run by one replica at a time.
    if (report.embedded or report.statuses["updated"]) and not kb.store.location.shared:
        await kb.store.refresh_indexes()
    return report


async def ingest_folder(
    kb: KnowledgeBase, tenant: str, root: Path, *, progress: bool = False
) -> IngestReport:
    root = root.resolve()
    base = root if root.is_dir() else root.parent
    return await ingest_paths(kb, tenant, find_documents(root), base, progress=progress)


async def load_demo_if_empty(kb: KnowledgeBase, tenant: str) -> IngestReport | None:
    """First start on a tenant with no articles: load the bundled help center into it."""
    if not await kb.is_empty(tenant):
        return None
    return await ingest_folder(kb, tenant, DEMO_DIR)


__all__ = ["DEMO_DIR", "READERS", "IngestError", "IngestReport", "find_documents",
           "ingest_folder", "ingest_paths", "load_demo_if_empty"]
