"""Separate processes that share a store with the test: ``python -m tests.memory.workers``.

Settings come from the environment (SUPPORTDESK_MEMORY_*), as in a real deployment.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt


class ApprovalState(TypedDict, total=False):
    request: str
    steps: list[str]
    decision: str


def approval_graph(checkpointer):
    """draft -> approve (pauses for a human) -> finish."""

    def draft(state: ApprovalState) -> dict:
        return {"steps": [*state.get("steps", []), f"drafted {state['request']}"]}

    def approve(state: ApprovalState) -> dict:
        decision = interrupt({"question": f"approve {state['request']}?"})
        return {"decision": decision, "steps": [*state["steps"], "approved"]}

    def finish(state: ApprovalState) -> dict:
        return {"steps": [*state["steps"], f"finished with {state['decision']}"]}

    builder = StateGraph(ApprovalState)
    builder.add_node("draft", draft)
    builder.add_node("approve", approve)
    builder.add_node("finish", finish)
    builder.add_edge(START, "draft")
    builder.add_edge("draft", "approve")
    builder.add_edge("approve", "finish")
    builder.add_edge("finish", END)
    return builder.compile(checkpointer=checkpointer)


def thread(thread_id: str) -> dict:
    return {"configurable": {"thread_id": thread_id}}


async def pause_runs(data_dir: Path, prefix: str, count: int) -> None:
    from memory.checkpoints import open_checkpointer
    from memory.settings import MemorySettings

    async with open_checkpointer(MemorySettings(), data_dir) as saver:
        graph = approval_graph(saver)
        for i in range(count):
            await graph.ainvoke({"request": f"{prefix}-{i}"}, thread(f"{prefix}-{i}"))


async def remember_many(data_dir: Path, prefix: str, count: int) -> None:
    from embeddings.wordllama_embedder import WordLlamaEmbedder
    from memory.long_term import long_term_in

    memory = long_term_in(data_dir, WordLlamaEmbedder())
    await memory.open()
    try:
        for i in range(count):
            await memory.remember("t1", f"{prefix}-c{i}", f"Customer {prefix} {i} likes tea")
    finally:
        await memory.close()


async def remember_endlessly(data_dir: Path, prefix: str, count: int) -> None:
    """Remember through the store the settings name, printing each memory once committed."""
    from embeddings.wordllama_embedder import WordLlamaEmbedder
    from memory.settings import MemorySettings
    from servers.memory.wiring import memory_service

    service = memory_service(MemorySettings(), data_dir, WordLlamaEmbedder())
    memory = service.long_term
    await memory.open()
    try:
        for i in range(count):
            record, _ = await memory.remember("t1", f"{prefix}-c{i % 7}", f"{prefix} note {i}")
            print(record.id, flush=True)
    finally:
        await memory.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("job", choices=("pause", "remember", "remember-endlessly"))
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("prefix")
    parser.add_argument("count", type=int)
    args = parser.parse_args()
    job = {"pause": pause_runs, "remember": remember_many,
           "remember-endlessly": remember_endlessly}[args.job]
    asyncio.run(job(args.data_dir, args.prefix, args.count))
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
