"""The supervisor: at the start of a run it loads who the customer is and what we know of them.

Routing itself is the pure ``routing.next_step``, applied as this node and every agent return
(``graph.routed``).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from langgraph.runtime import Runtime

from events.types import RequestReceived
from orchestrator.deps import Deps
from orchestrator.nodes.trace import StepTimer, emit, step
from orchestrator.state import SupportState
from orchestrator.support_records import CustomerProfile

if TYPE_CHECKING:  # the MCP client stays out of the domain's imports
    from orchestrator.support_tools import SupportTools


async def supervisor(state: SupportState, runtime: Runtime[Deps]) -> dict:
    if state.get("context", {}).get("loaded"):
        # Only a run checkpointed when every agent still returned here comes back.
        return {}
    timer = StepTimer()
    tools = runtime.context.tools
    request = state["request"]
    customer_id = state["customer"]["id"]
    profile, memory = await asyncio.gather(
        _profile(tools, state["customer"]),
        tools.memory_context(
            customer_id, f"{request['subject']}\n{request['message']}", request["request_id"]
        ),
    )
    session = [f"{t['role']}: {t['content']}" for t in memory.get("turns", [])]
    memories = [m["content"] for m in memory.get("memories", [])]
    # The CRM lists recent tickets newest first; the engines read history oldest first, so
    # its last entry is what the customer wrote about most recently.
    history = [t["subject"] for t in profile.get("recent_tickets", [])][:5][::-1]
    await emit(runtime, state, RequestReceived(
        channel=request["channel"], message_chars=len(request["message"])
    ))
    summary = (
        f"customer {customer_id} ({profile.get('tier', '?')}"
        f"{', VIP' if profile.get('vip') else ''}"
        f"{', new' if state['customer'].get('new') else ''}); {len(history)} recent tickets, "
        f"{len(session)} session turns, {len(memories)} memories"
    )
    return {
        "customer": {**state["customer"], **profile},
        "context": {"loaded": True, "history": history, "session": session, "memories": memories},
        "decisions": [step("supervisor", summary, timer)],
    }


async def _profile(tools: SupportTools, customer: dict) -> CustomerProfile:
    """The customer's CRM profile, read unless the run started with it: the lookup that
    found or created the customer returns it, but a run an older version started and this
    process took over may hold only the customer's id."""
    if "recent_tickets" in customer:
        return customer  # type: ignore[return-value]
    return await tools.customer_profile(customer["id"])
