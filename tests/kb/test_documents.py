"""Ingest of a real help center: HTML pages, PDF, Word and a JSON export, with bad files among
them reported by name — readers on their own, then the whole folder into real LanceDB."""

import pytest

from servers.cli import main
from servers.kb.documents import DocumentError, read_document
from servers.kb.documents import ExportErrors
from servers.kb.ingest import ingest_folder
from tests.kb.documents import (
    write_docx,
    write_export,
    write_help_center,
    write_help_page,
    write_pdf,
    write_scanned_pdf,
)


def test_a_saved_page_keeps_its_article_and_drops_the_site_around_it(tmp_path):
    page = write_help_page(tmp_path / "data-export" / "export-projects.html")
    [document] = read_document(page, tmp_path)
    article = document.article
    assert article.title == "Export your projects as CSV"
    assert article.category == "data-export" and article.locale == "es"
    assert article.url == "https://help.example.com/hc/es/articles/export-projects"
    assert "## Before you start" in article.body and "## Steps" in article.body
    assert "- You need the Admin role." in article.body
    assert "1. Open *Settings → Data*." in article.body
    for boilerplate in ("tracking-snippet", "Help Center home", "Cookie settings", "Privacy",
                        "color: red", "Home"):
        assert boilerplate not in article.body


def test_a_pdf_gives_its_text_and_a_scan_or_a_broken_file_is_refused(tmp_path):
    pdf = write_pdf(tmp_path / "policy.pdf", ["Password policy", "At least 12 characters."],
                    title="Password policy")
    [document] = read_document(pdf)
    assert document.article.title == "Password policy" and not document.markdown
    assert "At least 12 characters." in document.article.body
    with pytest.raises(DocumentError, match=r"scan\.pdf: the PDF has no text layer"):
        read_document(write_scanned_pdf(tmp_path / "scan.pdf"))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7 not really")
    with pytest.raises(DocumentError, match=r"broken\.pdf: "):
        read_document(broken)


def test_a_word_file_keeps_its_headings_and_lists(tmp_path):
    [document] = read_document(write_docx(tmp_path / "sso.docx"))
    assert document.article.title == "Set up single sign-on"
    assert "## Requirements" in document.article.body
    assert "- An Enterprise plan" in document.article.body
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK not a zip")
    with pytest.raises(DocumentError, match=r"broken\.docx: not a readable Word file"):
        read_document(broken)


def test_an_export_gives_every_good_article_and_names_the_bad_one(tmp_path):
    with pytest.raises(ExportErrors) as raised:
        read_document(write_export(tmp_path / "export.json"), tmp_path)
    good = {d.article.id: d.article for d in raised.value.documents}
    assert set(good) == {"360001", "360002"}
    assert good["360001"].url == "https://help.example.com/hc/en-us/articles/360001"
    assert good["360001"].category == "account" and good["360001"].tags == ["team", "invite"]
    assert good["360002"].category == "billing" and "## Cancel" in good["360002"].body
    [problem] = raised.value.problems
    assert "export.json article 3 (id 360003): body: missing or empty" in problem


async def test_a_help_center_folder_goes_in_and_each_bad_file_is_reported(kb, tmp_path):
    report = await ingest_folder(kb, "acme", write_help_center(tmp_path / "help"))
    assert report.statuses == {"created": 5}
    reasons = "\n".join(report.errors)
    assert len(report.errors) == 4, reasons
    assert "scanned-invoice.pdf: the PDF has no text layer" in reasons
    assert "broken.pdf: not a readable PDF" in reasons
    assert "logo.png: unsupported type '.png'" in reasons
    assert "article 3 (id 360003): body" in reasons
    found = (await kb.search("acme", "export projects CSV admin role")).hits
    assert found[0].article_id == "export-projects"
    assert found[0].url == "https://help.example.com/hc/es/articles/export-projects"
    sso = await kb.get("acme", "sso-setup")
    assert sso.source.endswith("security/sso-setup.docx") and sso.url is None
    for skipped in ("scanned-invoice", "broken", "logo", "360003"):
        assert await kb.store.get("acme", skipped) is None  # nothing half-ingested
    demo = (await kb.search("demo", "export projects CSV admin role")).hits
    assert demo and "export-projects" not in {hit.article_id for hit in demo}
    again = await ingest_folder(kb, "acme", tmp_path / "help")
    assert again.statuses == {"unchanged": 5} and again.embedded == 0


def test_the_ingest_command_takes_a_tenant_and_ends_with_a_summary(tmp_path, monkeypatch,
                                                                    capsys):
    monkeypatch.setenv("SUPPORTDESK_DATA_DIR", str(tmp_path / "data"))
    help_center = write_help_center(tmp_path / "help")
    assert main(["ingest", str(help_center), "--tenant", "acme"]) == 1  # some files skipped
    err = capsys.readouterr().err
    assert "ingested 5 articles (5 created)" in err and "4 skipped (tenant acme)" in err
    assert "broken.pdf" in err and "logo.png" in err
    assert main(["ingest", str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err.strip() == (
        f"supportdesk ingest: {tmp_path / 'nowhere'}: no such file or directory")
