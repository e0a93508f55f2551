"""The supervisor graph. Read the builder at the bottom as the diagram:

    START -> supervisor -(next_step)-> triage | research | solution | quality | escalation
                                       | finalize | END
    every agent -(next_step)-> the next agent, or END

The supervisor loads the customer's context once, at the start; its routing, the pure
``next_step``, is applied as every agent returns (``routed``). Routed there rather than by
returning to the supervisor's node after each agent, a run takes 7 steps instead of 13:
LangGraph's work between steps cost about 1 ms each. And as the node's own ``Command`` rather
than a conditional edge: an edge is one more runnable per step, reading a fresh copy of every
channel (about 0.2 ms of CPU per step).

Agents that do I/O retry on transport errors and timeouts; any agent that still fails ends
the run through ``failed``, which records a "request failed" event. The timeouts are on the
I/O itself (each call to the other servers, each LLM request), not on the nodes: LangGraph
runs a node with a timeout as two more tasks and a guarded config, about 0.5 ms of CPU per
step, and a node's only waits are those calls.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime
from langgraph.types import Command, RetryPolicy

from orchestrator.deps import Deps
from orchestrator.nodes.escalation import escalation
from orchestrator.nodes.failure import TRANSIENT_ERRORS, failed
from orchestrator.nodes.finalize import finalize
from orchestrator.nodes.quality import quality
from orchestrator.nodes.research import research
from orchestrator.nodes.solution import solution
from orchestrator.nodes.supervisor import supervisor
from orchestrator.nodes.triage import triage
from orchestrator.routing import Step, next_step
from orchestrator.state import SupportState

AGENTS = {
    "triage": triage,
    "research": research,
    "solution": solution,
    "quality": quality,
    "escalation": escalation,
    "finalize": finalize,
}

# Transient failures of the servers or providers are worth another try; bad data is not.
IO_RETRY = RetryPolicy(
    max_attempts=3,
    initial_interval=0.2,
    max_interval=2.0,
    retry_on=TRANSIENT_ERRORS,
)


def routed(agent: Callable[[SupportState, Runtime[Deps]], Awaitable[dict]]):
    """The agent, then where the run goes next: ``next_step`` of the state the agent leaves.
    That state is the agent's update over the state it read: every key ``next_step`` reads is
    a plain value, which an update replaces."""

    @functools.wraps(agent)
    async def node(state: SupportState, runtime: Runtime[Deps]) -> Command[Step]:
        update = await agent(state, runtime)
        goto = next_step({**state, **update})  # type: ignore[typeddict-item]
        return Command(update=update, goto=END if goto == "done" else goto)

    return node


def build_graph(checkpointer: BaseCheckpointSaver | None = None) -> CompiledStateGraph:
    builder = StateGraph(SupportState, context_schema=Deps)
    builder.set_node_defaults(retry_policy=IO_RETRY, error_handler=failed)
    routes = (*AGENTS, END)  # where any agent may send the run (for drawing the graph)
    builder.add_node("supervisor", routed(supervisor), destinations=routes)
    builder.add_edge(START, "supervisor")
    for name, agent in AGENTS.items():
        builder.add_node(name, routed(agent), destinations=routes)
    return builder.compile(checkpointer=checkpointer, name="supportdesk")
