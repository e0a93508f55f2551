"""The views as MCP resources; a server lists the ones its tools open in ``RESOURCES``."""

from __future__ import annotations

from fastmcp.resources import resource

from servers.views.pages import (
    APPROVAL_VIEW,
    APPROVALS_VIEW,
    MIME_TYPE,
    REQUEST_VIEW,
    RESOURCE_META,
    page,
)


@resource(APPROVAL_VIEW, name="approval_view", mime_type=MIME_TYPE, meta=RESOURCE_META)
def approval_view() -> str:
    """The approval view: the customer's message, the proposed reply with its citations, the
    ticket changes and any refund; approve, edit or reject with a reason."""
    return page("approval")


@resource(APPROVALS_VIEW, name="approvals_view", mime_type=MIME_TYPE, meta=RESOURCE_META)
def approvals_view() -> str:
    """The approvals waiting for a human, each with the approval view's choices."""
    return page("approval")


@resource(REQUEST_VIEW, name="request_view", mime_type=MIME_TYPE, meta=RESOURCE_META)
def request_view() -> str:
    """The request view: outcome, per-agent trace with timings, ticket, approval, timeline."""
    return page("request")
