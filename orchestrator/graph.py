"""The supervisor graph. Read the builder at the bottom as the diagram:

    START -> supervisor -(next_step)-> triage | research | solution | quality | escalation
                                       | finalize | END
    every agent -(next_step)-> the next agent, or END

The supervisor loads the customer's context once, at the start; its routing, the pure
``next_step``, is on every agent's outgoing edges. Routed there rather than by returning to the
supervisor's node after each agent, a run takes 7 steps instead of 13: LangGraph's work
between steps cost about 1 ms each.

Agents that do I/O retry on transport errors and timeouts; any agent that still fails ends
the run through ``failed``, which records a "request failed" event. The timeouts are on the
I/O itself (each call to the other servers, each LLM request), not on the nodes: LangGraph
runs a node with a timeout as two more tasks and a guarded config, about 0.5 ms of CPU per
step, and a node's only waits are those calls.
"""

from __future__ import annotations

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import RetryPolicy

from orchestrator.deps import Deps
from orchestrator.nodes.escalation import escalation
from orchestrator.nodes.failure import TRANSIENT_ERRORS, failed
from orchestrator.nodes.finalize import finalize
from orchestrator.nodes.quality import quality
from orchestrator.nodes.research import research
from orchestrator.nodes.solution import solution
from orchestrator.nodes.supervisor import supervisor
from orchestrator.nodes.triage import triage
from orchestrator.routing import next_step
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


def build_graph(checkpointer: BaseCheckpointSaver | None = None) -> CompiledStateGraph:
    builder = StateGraph(SupportState, context_schema=Deps)
    builder.set_node_defaults(retry_policy=IO_RETRY, error_handler=failed)
    routes = {**{name: name for name in AGENTS}, "done": END}
    builder.add_node("supervisor", supervisor)
    builder.add_edge(START, "supervisor")
    builder.add_conditional_edges("supervisor", next_step, routes)
    for name, agent in AGENTS.items():
        builder.add_node(name, agent)
        builder.add_conditional_edges(name, next_step, routes)
    return builder.compile(checkpointer=checkpointer, name="supportdesk")
