"""Help-center documents written at test time: a saved page, a PDF, a Word file, an export."""

from __future__ import annotations

import json
from pathlib import Path

HELP_PAGE = """<!doctype html>
<html lang="es">
<head>
  <title>Exportar proyectos – Centro de ayuda</title>
  <link rel="canonical" href="https://help.example.com/hc/es/articles/export-projects">
  <script>window.analytics = "tracking-snippet";</script>
  <style>.x { color: red }</style>
</head>
<body>
  <header><a href="/">Help Center home</a> <form><input name="q"></form></header>
  <nav class="breadcrumbs"><a href="/">Home</a> › <a href="/data">Data</a></nav>
  <main>
    <article>
      <h1>Export your projects as CSV</h1>
      <p>You can export every project of a workspace as a <strong>CSV</strong> file.</p>
      <h2>Before you start</h2>
      <ul><li>You need the Admin role.</li><li>Archived projects are included.</li></ul>
      <h2>Steps</h2>
      <ol><li>Open <em>Settings → Data</em>.</li><li>Click <b>Export projects</b>.</li></ol>
    </article>
  </main>
  <aside>Related: Cookie settings</aside>
  <footer>© Example Inc · Privacy · Terms</footer>
</body>
</html>
"""

EXPORT = {
    "articles": [
        {"id": 360001, "title": "Invite teammates", "locale": "en-us",
         "html_url": "https://help.example.com/hc/en-us/articles/360001",
         "section": {"name": "Account"}, "label_names": ["team", "invite"],
         "body": "<p>Go to <b>Settings → Members</b> and click <b>Invite</b>.</p>"},
        {"id": 360002, "title": "Cancel a subscription", "locale": "en-us",
         "html_url": "https://help.example.com/hc/en-us/articles/360002",
         "section_name": "Billing", "body": "<h2>Cancel</h2><p>Open Billing, then Cancel.</p>"},
        {"id": 360003, "title": "An article without a body", "body": ""},
    ]
}


def write_help_page(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HELP_PAGE)
    return path


def write_pdf(path: Path, lines: list[str], title: str | None = None) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    if title:
        pdf.set_title(title)
    for line in lines:
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def write_scanned_pdf(path: Path) -> Path:
    """A page with only a drawing on it: what a scan looks like to a text extractor."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def write_docx(path: Path) -> Path:
    from docx import Document

    document = Document()
    document.add_heading("Set up single sign-on", level=1)
    document.add_paragraph("Single sign-on lets your team log in with your identity provider.")
    document.add_heading("Requirements", level=2)
    document.add_paragraph("An Enterprise plan", style="List Bullet")
    document.add_paragraph("An Okta or Azure AD tenant", style="List Bullet")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def write_export(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(EXPORT))
    return path


def write_help_center(root: Path) -> Path:
    """A folder as a team would hand it over, with files that cannot be ingested among them."""
    write_help_page(root / "data-export" / "export-projects.html")
    write_pdf(root / "security" / "password-policy.pdf",
              ["Password policy", "Passwords need at least 12 characters.",
               "Admins can require two-factor authentication for everyone."],
              title="Password policy")
    write_docx(root / "security" / "sso-setup.docx")
    write_export(root / "zendesk-export.json")
    write_scanned_pdf(root / "scans" / "scanned-invoice.pdf")
    (root / "broken.pdf").write_bytes(b"%PDF-1.7\n this is not really a pdf \x00\x01")
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return root
