"""Running the graph for one request, pausing for approval, and resuming — in any process.

A run's thread is its run id. When the graph interrupts, the approval is recorded (once per
interrupt) so a human can decide it later; ``resume`` claims the decision (single use: one
decider wins, every other is told who was first) and continues the same checkpointed thread,
wherever it started.

A run being driven holds a lease, renewed while it runs. A run cut off mid-graph (a crash, a
killed replica) keeps its checkpoints but its lease runs out: every process looks for such runs
and one of them claims and finishes it from its last checkpoint. Every effect of the graph is
keyed (tickets by request, replies and notes by run, events by run and step), so finishing a
run again writes nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command, Durability

from events import EventPublisher, make_event, stable_event_id
from events.types import ApprovalDecided, ApprovalRequested, RequestEscalated, RequestFailed
from orchestrator.deps import Deps
from orchestrator.engines.base import LLMEngine
from orchestrator.graph import build_graph
from orchestrator.models import ApprovalDecision, ResolveOutcome
from orchestrator.outcome import build_outcome
from orchestrator.policy import BUILT_IN, Policy
from orchestrator.progress import Progress, rate_limited
from orchestrator.records import Records, now
from core.calls import Caller
from core.email_address import EMAIL_PATTERN

if TYPE_CHECKING:  # the MCP client is handed in (``connect``): the domain does not load it
    from orchestrator.support_tools import SupportTools

logger = logging.getLogger(__name__)

STEPS = 7  # supervisor, triage, research, solution, quality, escalation, finalize
# A reference with an "@" is an email: the CRM's shape of one, so a malformed address is the
# caller's mistake named here rather than a failed CRM call.
_EMAIL = re.compile(EMAIL_PATTERN)


class OrchestratorError(Exception):
    """Base error; messages name the field and are safe to show the caller."""


@dataclass(frozen=True)
class ResolveInput:
    customer: str | None
    subject: str
    message: str
    channel: str = "web"
    request_id: str | None = None
    customer_name: str | None = None
    external_id: str | None = None


@dataclass(frozen=True)
class Paused:
    """What a paused run waits for: enough to ask a human and to resume."""

    approval_id: str
    run_id: str
    interrupt_id: str
    request: dict[str, Any]


@dataclass(frozen=True)
class Standing:
    """Where a run stands: its state, and what it waits for (none when it has ended)."""

    values: dict[str, Any]
    interrupts: tuple[Any, ...] = ()

    @classmethod
    def of(cls, snapshot: Any) -> Standing:
        """From a checkpoint's ``StateSnapshot``."""
        return cls(snapshot.values, tuple(snapshot.interrupts))


@dataclass(frozen=True)
class RunResult:
    outcome: ResolveOutcome
    paused: Paused | None = None


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(8)}"


class Orchestrator:
    """Opens its stores once (``open``/``close``, from a server lifespan), then runs requests."""

    def __init__(
        self,
        engine: LLMEngine,
        publisher: EventPublisher,
        records: Records,
        connect: Callable[[], AbstractAsyncContextManager[SupportTools]],
        checkpointer: Callable[[], AbstractAsyncContextManager[BaseCheckpointSaver]],
        *,
        lease_seconds: float = 30.0,
        policy: Policy = BUILT_IN,
        checkpoint_every_step: bool = False,
        progress_every: float = 0.0,
    ) -> None:
        """``lease_seconds``: how long a run stays claimed without renewal; a run cut off by
        a crash is taken over within about that long (plus a third of it).

        ``checkpoint_every_step``: False saves a checkpoint only when a run pauses or ends.
        Nothing before ``finalize`` has an effect and finalize's effects are keyed, so a run
        cut off in between loses only work it does again (from its input or its pause).

        ``progress_every``: a run reports its steps to its caller at most once per this many
        seconds, the first after as long (``orchestrator.progress``); 0 reports every step."""
        self.engine = engine
        self.publisher = publisher
        self.records = records
        self.connect = connect
        """Opens the MCP clients of the knowledge base, CRM and memory servers."""
        self.lease_seconds = lease_seconds
        self.policy = policy
        self.durability: Durability = "async" if checkpoint_every_step else "exit"
        self.progress_every = progress_every
        self.owner = new_id("proc")
        """Who holds the leases this process takes."""
        self._checkpointer = checkpointer
        self._stack: AsyncExitStack | None = None
        self._graph: CompiledStateGraph | None = None
        self._tools: SupportTools | None = None
        self._watch: asyncio.Task | None = None

    async def open(self) -> None:
        async with AsyncExitStack() as stack:
            saver = await stack.enter_async_context(self._checkpointer())
            self._tools = await stack.enter_async_context(self.connect())
            await self.records.open()
            stack.push_async_callback(self.records.close)
            self._graph = build_graph(saver)
            self._stack = stack.pop_all()
        self._watch = asyncio.create_task(self._watch_for_cut_off_runs())

    async def close(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            await asyncio.gather(self._watch, return_exceptions=True)
            self._watch = None
        if self._stack is not None:
            await self._stack.aclose()
        self._stack, self._graph, self._tools = None, None, None

    def ready(self) -> bool:
        return self._graph is not None

    @property
    def tools(self) -> SupportTools:
        if self._tools is None:
            raise RuntimeError("Orchestrator is not open")
        return self._tools

    @property
    def graph(self) -> CompiledStateGraph:
        if self._graph is None:
            raise RuntimeError("Orchestrator is not open")
        return self._graph

    async def start(
        self, request: ResolveInput, caller: Caller, progress: Progress | None = None
    ) -> RunResult:
        run_id = new_id("run")
        tools = self.tools.acting_for(caller, correlation=run_id)
        customer, is_new = await self._customer_for(request, tools)
        state = {
            "request": {
                "request_id": request.request_id or new_id("req"),
                "run_id": run_id,
                "tenant": caller.tenant,
                "principal": caller.principal,
                "customer_ref": customer["id"],
                "subject": request.subject,
                "message": request.message,
                "channel": request.channel,
            },
            # Their whole profile, as the lookup returned it: the supervisor need not ask.
            "customer": {**customer, "new": is_new},
        }
        await self.records.add_run(
            {"run_id": run_id, "request_id": state["request"]["request_id"],
             "tenant": caller.tenant, "customer_id": customer["id"], "status": "running",
             "lease_owner": self.owner, "lease_until": now() + self._lease,
             # Until the run ends: what a process that takes it over starts from, should it
             # be cut off before its first checkpoint.
             "input": state}
        )
        return await self._drive(state, run_id, caller, tools, progress)

    @property
    def _lease(self) -> timedelta:
        return timedelta(seconds=self.lease_seconds)

    async def _customer_for(
        self, request: ResolveInput, tools: SupportTools
    ) -> tuple[dict[str, Any], bool]:
        """The CRM customer behind the request, created on first contact: (customer, new)."""
        reference = (request.customer or "").strip()
        if "@" in reference and not _EMAIL.match(reference):
            # Not echoed: it may be most of someone's address.
            raise OrchestratorError(
                "customer: not an email address (name@domain) and not a CRM id")
        if reference and "@" not in reference:
            customer = await tools.find_customer(reference)
            if customer is None:
                raise OrchestratorError(f"customer: no customer with id {reference!r}")
            return customer, False
        if not reference and not request.external_id:
            raise OrchestratorError(
                "customer: give the customer's email or CRM id, or an external_id"
            )
        return await tools.identify_customer(
            reference or None, request.external_id, request.customer_name
        )

    async def resume(
        self,
        approval_id: str,
        decision: ApprovalDecision,
        caller: Caller,
        progress: Progress | None = None,
    ) -> RunResult:
        """Decide a pending approval and finish its run. One decision wins, atomically: every
        other caller is told who decided first and when, and nothing of theirs is applied."""
        if decision.type == "reject" and not decision.message:
            raise OrchestratorError("message: a rejection needs a reason")
        if decision.type == "edit" and not decision.edited_reply:
            raise OrchestratorError("edited_reply: an edit needs the edited reply")
        won = await self.records.decide(
            caller.tenant, approval_id, decision.model_dump(mode="json"), caller.principal,
            lease=(self.owner, self.lease_seconds),
        )
        approval = await self.records.get_approval(caller.tenant, approval_id)
        if approval is None:
            raise OrchestratorError(f"approval_id: no approval {approval_id!r}")
        if not won:
            raise OrchestratorError(
                f"approval_id: {approval_id!r} was already decided by "
                f"{approval['decided_by']} at {approval['decided_at']:%Y-%m-%d %H:%M:%S} UTC"
            )
        return await self._continue_decided(approval, caller, progress)

    async def _continue_decided(
        self, approval: dict, caller: Caller, progress: Progress | None = None
    ) -> RunResult:
        """Resume a run with the decision recorded on ``approval`` (by its winner)."""
        decision = ApprovalDecision.model_validate(approval["decision"])
        await self.publisher.publish(
            make_event(
                ApprovalDecided(approval_id=approval["approval_id"], decision=decision.type,
                                decided_by=approval["decided_by"]),
                tenant=caller.tenant, request_id=approval["request_id"],
                correlation_id=approval["run_id"],
                event_id=stable_event_id(approval["approval_id"], "approval.decided"),
            )
        )
        answer = {
            "decision": decision.model_dump(mode="json"),
            "decided_by": approval["decided_by"],
            "approval_id": approval["approval_id"],
            "decided_at": approval["decided_at"].isoformat(),
        }
        return await self._drive(
            Command(resume={approval["interrupt_id"]: answer}),
            approval["run_id"], caller,
            self.tools.acting_for(caller, correlation=approval["run_id"]), progress,
        )

    # --- runs cut off by a crash ------------------------------------------------------------

    async def _watch_for_cut_off_runs(self) -> None:
        """Every third of a lease, finish the runs whose lease ran out (in any process)."""
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            try:
                await self.recover_cut_off_runs()
            except Exception:  # a store hiccup: look again next time
                logger.exception("looking for cut-off runs failed")

    async def recover_cut_off_runs(self) -> list[str]:
        """Claim and finish every run cut off mid-graph; the run ids this process took over."""
        taken: list[str] = []
        for run in await self.records.cut_off_runs():
            if not await self.records.claim_run(run["run_id"], self.owner, self.lease_seconds):
                continue  # another process was first
            taken.append(run["run_id"])
            try:
                await self._finish_cut_off(run)
            except Exception as error:
                logger.exception("run %s could not be finished", run["run_id"])
                await self._give_up(run, f"could not be finished after a restart "
                                         f"({type(error).__name__})")
        return taken

    async def _finish_cut_off(self, run: dict) -> None:
        """Go on from the run's last checkpoint, or from its input if none was saved yet."""
        snapshot = await self.graph.aget_state({"configurable": {"thread_id": run["run_id"]}})
        # A checkpoint holding only the input (no step taken yet) shows the reducers' empty
        # defaults, not the request: whether the graph started is in `next`, not `values`.
        started = bool(snapshot.next) or "request" in snapshot.values
        request = snapshot.values.get("request") or (run.get("input") or {}).get("request")
        if request is None:
            await self._give_up(run, "cut off before its first step was saved; "
                                     "submit the request again")
            return
        restart = None if started else run["input"]
        caller = Caller(request["tenant"], request["principal"])
        logger.info("finishing run %s, cut off at %s", run["run_id"],
                    ", ".join(snapshot.next) or "its start")
        if snapshot.interrupts:
            approval = await self.records.approval_for_interrupt(snapshot.interrupts[0].id)
            if approval is not None and approval["status"] == "decided":
                await self._continue_decided(approval, caller)
            else:  # it was waiting for a human: record the wait (once) and keep waiting
                await self._settle(run["run_id"], caller, Standing.of(snapshot))
            return
        # The step that was cut off runs again: its effects are keyed, nothing doubles.
        tools = self.tools.acting_for(caller, correlation=run["run_id"])
        await self._drive(restart, run["run_id"], caller, tools, None)

    async def _give_up(self, run: dict, reason: str) -> None:
        await self.records.save_run(
            {"run_id": run["run_id"], "status": "failed",
             "outcome": {"status": "failed", "error": reason}}
        )
        await self.publisher.publish(make_event(
            RequestFailed(stage="recovery", error="RunCutOff", retryable=True),
            tenant=run["tenant"], request_id=run["request_id"], correlation_id=run["run_id"],
            customer_id=run.get("customer_id"),
            event_id=stable_event_id(run["run_id"], "request.failed", "recovery"),
        ))

    async def outcome_of(self, caller: Caller, run_id: str) -> ResolveOutcome | None:
        standing = await self._standing(run_id)
        if not standing.values or standing.values["request"]["tenant"] != caller.tenant:
            return None
        approval = await self._approval_for(caller.tenant, standing)
        return build_outcome(standing.values, approval, paused=bool(standing.interrupts))

    async def _drive(
        self, graph_input: Any, run_id: str, caller: Caller, tools: SupportTools,
        progress: Progress | None,
    ) -> RunResult:
        config = {"configurable": {"thread_id": run_id}}
        deps = Deps(tools=tools, engine=self.engine, publisher=self.publisher,
                    policy=self.policy)
        done = 0
        if progress is not None:
            progress = rate_limited(progress, self.progress_every)
        # The state as each step leaves it comes with the steps, so where the run stands at
        # the end is known without reading back the checkpoint just saved.
        values: dict[str, Any] = {}
        interrupts: tuple[Any, ...] = ()
        async with self._leased(run_id):
            async for mode, chunk in self.graph.astream(
                graph_input, config, context=deps, stream_mode=["updates", "values"],
                durability=self.durability,
            ):
                if mode == "values":
                    values = chunk
                    continue
                for node, change in chunk.items():
                    if node == "__interrupt__":
                        interrupts = tuple(change)
                        continue
                    steps = (change or {}).get("decisions")
                    if not steps or progress is None:
                        continue  # routing hops are not progress
                    done += 1
                    await progress(min(done, STEPS), STEPS, f"{node}: {steps[-1]['summary']}")
            return await self._settle(run_id, caller, Standing(values, interrupts))

    @asynccontextmanager
    async def _leased(self, run_id: str) -> AsyncIterator[None]:
        """Keep this process's lease on the run alive while it drives it."""

        async def renew() -> None:
            while True:
                await asyncio.sleep(self.lease_seconds / 3)
                if not await self.records.renew_lease(run_id, self.owner, self.lease_seconds):
                    logger.warning("run %s: lease lost while driving it", run_id)

        renewing = asyncio.create_task(renew())
        try:
            yield
        finally:
            renewing.cancel()
            await asyncio.gather(renewing, return_exceptions=True)

    async def _standing(self, run_id: str) -> Standing:
        """Where the run stands, from its last checkpoint."""
        return Standing.of(await self.graph.aget_state({"configurable": {"thread_id": run_id}}))

    async def _settle(self, run_id: str, caller: Caller, standing: Standing) -> RunResult:
        """Record where the run stands now: paused for a human, or finished."""
        values = standing.values
        paused = None
        if standing.interrupts:
            paused = await self._record_pause(values, standing.interrupts[0], caller)
        approval = await self._approval_for(caller.tenant, standing)
        outcome = build_outcome(values, approval, paused=paused is not None)
        await self.records.save_run(
            {"run_id": run_id, "request_id": values["request"]["request_id"],
             "tenant": caller.tenant, "customer_id": values["customer"]["id"],
             "status": outcome.status, "category": outcome.category,
             "priority": outcome.priority, "outcome": outcome.model_dump(mode="json")}
        )
        return RunResult(outcome=outcome, paused=paused)

    async def _record_pause(self, values: dict, interrupt, caller: Caller) -> Paused:
        request = values["request"]
        record, created = await self.records.add_approval(
            {
                "approval_id": new_id("apr"),
                "tenant": caller.tenant,
                "run_id": request["run_id"],
                "request_id": request["request_id"],
                "interrupt_id": interrupt.id,
                "reasons": interrupt.value["reasons"],
                "request": interrupt.value,
            }
        )
        if created:
            # approval.requested is for whoever decides; request.escalated is the request's
            # own history (the analytics projection reads only request.* events).
            ids = {"tenant": caller.tenant, "request_id": request["request_id"],
                   "customer_id": values["customer"]["id"], "correlation_id": request["run_id"]}
            approval_id, reasons = record["approval_id"], interrupt.value["reasons"]
            actions = [action["name"] for action in interrupt.value["action_requests"]]
            triage = values["triage"]
            await self.publisher.publish(
                make_event(ApprovalRequested(approval_id=approval_id, action=actions[0],
                                             reasons=reasons), **ids,
                           event_id=stable_event_id(approval_id, "approval.requested")),
                make_event(RequestEscalated(approval_id=approval_id, reasons=reasons,
                                            route="approval", category=triage["category"],
                                            priority=triage["priority"]), **ids,
                           event_id=stable_event_id(approval_id, "request.escalated")),
            )
        return Paused(record["approval_id"], request["run_id"], interrupt.id, interrupt.value)

    async def _approval_for(self, tenant: str, standing: Standing) -> dict | None:
        values = standing.values
        if standing.interrupts:
            pending = await self.records.pending_approvals_for_run(tenant, values["request"]["run_id"])
            return pending[0] if pending else None
        approval_id = (values.get("approval") or {}).get("approval_id")
        return await self.records.get_approval(tenant, approval_id) if approval_id else None
