"""The workflow service: what humans and agents see of the support workflow, per tenant.

Lists and reads runs and approvals (the orchestrator's records), shows a request's events from
the event log, decides approvals through the orchestrator (which resumes the paused run) and
reports request analytics from the events projection. No MCP here: the server only wires.
"""

from __future__ import annotations

from datetime import datetime

from orchestrator.models import ApprovalDecision, DecisionType, ResolveOutcome
from orchestrator.runner import Orchestrator, Progress
from servers.crm import cursors
from servers.crm.errors import InvalidInput
from core.calls import Caller
from servers.workflow import queries
from servers.workflow.analytics_feed import AnalyticsFeed
from servers.workflow.models import (
    AnalyticsReport,
    Approval,
    ApprovalList,
    ProposedAction,
    RequestDetail,
    RequestPage,
    RequestSummary,
)
from servers.workflow.timeline import RequestEventLog, timeline_event

CURSOR_KIND = "requests"


class WorkflowError(Exception):
    """Base error; messages start with the field they concern and are safe to show."""


def summary(run: dict) -> RequestSummary:
    return RequestSummary.model_validate(run)


def proposed_action(request: dict) -> ProposedAction | None:
    actions = request.get("action_requests") or []
    if not actions:
        return None
    action = actions[0]
    arguments = action.get("arguments", {})
    configs = request.get("review_configs") or [{}]
    return ProposedAction(
        description=action.get("description", ""),
        reply=arguments.get("reply", ""),
        citations=arguments.get("citations", []),
        ticket_changes=arguments.get("ticket_changes", {}),
        refund=arguments.get("refund"),
        allowed_decisions=configs[0].get("allowed_decisions", ["approve", "edit", "reject"]),
    )


def approval_model(row: dict, run: dict | None) -> Approval:
    decision = row.get("decision") or {}
    return Approval(
        approval_id=row["approval_id"],
        request_id=row["request_id"],
        run_id=row["run_id"],
        customer_id=row["request"].get("customer_id"),
        subject=row["request"].get("subject"),
        message=row["request"].get("message"),
        status=row["status"],
        reasons=row["reasons"],
        proposed=proposed_action(row["request"]),
        category=(run or {}).get("category"),
        priority=(run or {}).get("priority"),
        created_at=row["created_at"],
        decision=decision.get("type"),
        decided_by=row.get("decided_by"),
        decided_at=row.get("decided_at"),
        reason=decision.get("message"),
        edited_reply=decision.get("edited_reply"),
    )


class WorkflowService:
    def __init__(
        self,
        orchestrator: Orchestrator,
        analytics: AnalyticsFeed,
        event_log: RequestEventLog | None = None,
    ) -> None:
        self.orchestrator = orchestrator
        self.analytics = analytics
        self.event_log = event_log

    @property
    def _engine(self):
        return self.orchestrator.records.engine

    def ready(self) -> bool:
        return self.orchestrator.ready()

    async def close(self) -> None:
        await self.analytics.projection.close()

    async def list_requests(
        self,
        tenant: str,
        filters: queries.RunFilters,
        *,
        cursor: str | None = None,
        limit: int = 20,
    ) -> RequestPage:
        if filters.since and filters.until and filters.since >= filters.until:
            raise WorkflowError("until: must be later than since")
        after = self._decode(cursor) if cursor else None
        rows = await queries.list_runs(self._engine, tenant, filters, after, limit + 1)
        page, more = rows[:limit], len(rows) > limit
        next_cursor = None
        if more:
            last = page[-1]
            next_cursor = cursors.encode(
                CURSOR_KIND, cursors.encode_time(last["created_at"]), last["run_id"]
            )
        return RequestPage(requests=[summary(run) for run in page], next_cursor=next_cursor)

    def _decode(self, cursor: str) -> tuple[datetime, str]:
        try:
            created, run_id = cursors.decode(CURSOR_KIND, cursor, (str, str))
            return cursors.decode_time(CURSOR_KIND, created), run_id
        except InvalidInput as error:
            raise WorkflowError(str(error)) from None

    async def get_request(self, tenant: str, ref: str) -> RequestDetail:
        """The latest run of a request (by request id), or one run (by run id), in full."""
        run = None
        if ref.startswith("run-"):
            run = await self.orchestrator.records.get_run(tenant, ref)
        request_id = run["request_id"] if run else ref
        history = await queries.runs_of_request(self._engine, tenant, request_id)
        run = run or (history[0] if history else None)
        if run is None:
            raise WorkflowError(f"request_id: no request or run {ref!r}")
        approval = await queries.approval_of_run(self._engine, tenant, run["run_id"])
        events = (
            await self.event_log.events_for(tenant, request_id) if self.event_log else []
        )
        return RequestDetail(
            request=summary(run),
            outcome=ResolveOutcome.model_validate(run["outcome"]) if run["outcome"] else None,
            approval=approval_model(approval, run) if approval else None,
            runs=[r["run_id"] for r in history],
            # By when things happened: events that reach the log through another store's outbox
            # arrive there later than the ones published directly.
            timeline=[
                timeline_event(event)
                for event in sorted(events, key=lambda event: (event.occurred_at, event.id))
            ],
        )

    async def pending_approvals(self, tenant: str, limit: int = 50) -> ApprovalList:
        found = await queries.pending_approvals(self._engine, tenant, limit + 1)
        return ApprovalList(
            approvals=[approval_model(row, run) for row, run in found[:limit]],
            more=len(found) > limit,
        )

    async def decide_approval(
        self,
        caller: Caller,
        approval_id: str,
        decision: DecisionType,
        *,
        edited_reply: str | None = None,
        reason: str | None = None,
        progress: Progress | None = None,
    ) -> ResolveOutcome:
        """Decide once (the decider is ``caller``) and let the paused run finish."""
        if decision == "reject" and not (reason and reason.strip()):
            raise WorkflowError("reason: a rejection needs a reason")
        if decision == "edit" and not (edited_reply and edited_reply.strip()):
            raise WorkflowError("edited_reply: an edit needs the edited reply")
        result = await self.orchestrator.resume(
            approval_id,
            ApprovalDecision(type=decision, edited_reply=edited_reply, message=reason),
            caller,
            progress,
        )
        return result.outcome

    async def request_analytics(
        self, tenant: str, since: datetime | None = None, until: datetime | None = None
    ) -> AnalyticsReport:
        if since and until and since >= until:
            raise WorkflowError("until: must be later than since")
        figures = await self.analytics.projection.analytics(tenant, since, until)
        return AnalyticsReport(
            **figures.model_dump(), events_behind=await self.analytics.events_behind()
        )
