from pathlib import Path

from servers.cli import main
from servers.kb.documents import read_document
from servers.kb.ingest import ingest_folder


def parse_document(path, root):
    [document] = read_document(path, root)
    return document.article


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_front_matter_wins_and_the_rest_is_derived(tmp_path):
    with_meta = write(
        tmp_path / "billing" / "a.md",
        "---\nid: custom-id\ncategory: plans\ntags: x, y\n---\n# Title here\n\nBody.",
    )
    bare = write(tmp_path / "billing" / "Some File.txt", "Just text, no heading.")
    article = parse_document(with_meta, tmp_path)
    assert (article.id, article.title, article.category, article.tags) == (
        "custom-id", "Title here", "plans", ["x", "y"]
    )
    derived = parse_document(bare, tmp_path)
    assert (derived.id, derived.title, derived.category) == ("some-file", "Some File", "billing")


async def test_re_ingesting_unchanged_files_does_no_work(kb, tmp_path):
    docs = tmp_path / "docs"
    write(docs / "outages" / "one.md", "# Quokka outage\n\n## Now\nThe quokka service is down.")
    write(docs / "outages" / "two.txt", "Quokka latency is high on Mondays.")

    first = await ingest_folder(kb, "demo", docs)
    second = await ingest_folder(kb, "demo", docs)

    assert first.statuses["created"] == 2 and first.embedded == 2
    assert second.statuses == {"unchanged": 2} and second.embedded == 0


async def test_a_bad_file_is_reported_and_the_rest_still_load(kb, tmp_path):
    docs = tmp_path / "docs"
    write(docs / "good.md", "# Good one\n\nFine text.")
    write(docs / "bad.md", "---\ncategory: Not A Slug!\n---\n# Bad\n\ntext")
    report = await ingest_folder(kb, "demo", docs)
    assert report.statuses["created"] == 1
    assert len(report.errors) == 1 and "bad.md" in report.errors[0]
    assert "category" in report.errors[0]


def test_ingest_command_loads_a_folder_and_reports_on_stderr(tmp_path, monkeypatch, capsys):
    docs = tmp_path / "docs"
    write(docs / "a.md", "# Alpha quokka\n\nAlpha text.")
    write(docs / "b.md", "# Beta quokka\n\nBeta text.")
    monkeypatch.setenv("SUPPORTDESK_DATA_DIR", str(tmp_path / "data"))

    assert main(["ingest", str(docs)]) == 0
    assert main(["ingest", str(docs)]) == 0

    out = capsys.readouterr()
    assert out.out == ""
    assert "ingested 2 articles (2 created)" in out.err
    assert "ingested 2 articles (2 unchanged); 2 passages, 0 embedded" in out.err
