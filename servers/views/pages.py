"""The views' HTML, assembled once from the files beside this module, and how tools and
resources point at them (the ``_meta.ui`` of SEP-1865)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

APPROVAL_VIEW = "ui://supportdesk/approval.html"
# The same page over the queue of pending approvals: a URI of its own, because the orchestrator
# and the workflow server (each linking their tool to one) are mounted side by side in a suite.
APPROVALS_VIEW = "ui://supportdesk/approvals.html"
REQUEST_VIEW = "ui://supportdesk/request.html"
MIME_TYPE = "text/html;profile=mcp-app"

# No external origin at all: the views talk only to the host, so the host's most restrictive
# CSP (connect-src 'none', inline script and style only) is the one they need.
RESOURCE_META = {"ui": {"csp": {}, "prefersBorder": True}}

SHARED_PARTS = ("style.css", "bridge.js")


def opens(uri: str) -> dict:
    """A tool's ``_meta``: hosts that render MCP Apps show ``uri`` with its result."""
    return {"ui": {"resourceUri": uri}}


@cache
def page(name: str) -> str:
    """``name``.html with the shared stylesheet and bridge put inline where it marks them."""
    folder = files(__package__)
    html = (folder / f"{name}.html").read_text(encoding="utf-8")
    for part in SHARED_PARTS:
        marker = f"/* {part} */"
        if marker not in html:
            raise ValueError(f"{name}.html: no place marked {marker!r}")
        html = html.replace(marker, (folder / part).read_text(encoding="utf-8"))
    return html
