"""Long-term memory as a LangGraph BaseStore: the ops, TTLs, and a real graph using it."""

from __future__ import annotations

import asyncio
from typing import TypedDict

import pytest
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.store.base import InvalidNamespaceError

from memory.langgraph_store import LongTermStore
from memory.long_term import customer_namespace, long_term_in
from tests.support.services import await_until


@pytest.fixture
async def long_term(tmp_path, embedder):
    """On LanceDB only: the LangGraph store speaks SQL to the table itself."""
    memory = long_term_in(tmp_path / "data", embedder)
    await memory.open()
    yield memory
    await memory.close()


@pytest.fixture
def store(long_term) -> LongTermStore:
    return LongTermStore(long_term)


async def test_put_get_update_delete(store):
    namespace = ("t1", "c1", "memories")
    assert await store.aget(namespace, "k1") is None
    await store.aput(namespace, "k1", {"content": "Likes dark mode", "kind": "preference"})
    first = await store.aget(namespace, "k1")
    assert first.value == {"content": "Likes dark mode", "kind": "preference"}
    assert first.namespace == namespace and first.key == "k1"
    await store.aput(namespace, "k1", {"content": "Likes light mode", "kind": "preference"})
    second = await store.aget(namespace, "k1")
    assert second.value["content"] == "Likes light mode"
    assert second.created_at == first.created_at and second.updated_at >= first.updated_at
    assert await store.aget(("t1", "c2", "memories"), "k1") is None
    await store.adelete(namespace, "k1")
    assert await store.aget(namespace, "k1") is None


async def test_search_by_meaning_with_prefix_filter_and_paging(store):
    await store.aput(("t1", "c1", "memories"), "a", {"content": "Uses the Android app",
                                                     "kind": "fact"})
    await store.aput(("t1", "c1", "memories"), "b", {"content": "Pays by invoice yearly",
                                                     "kind": "fact", "priority": 3})
    await store.aput(("t1", "c2", "memories"), "c", {"content": "Uses the iPhone app",
                                                     "kind": "preference", "priority": 1})
    await store.aput(("t2", "c1", "memories"), "d", {"content": "Uses the Android app"})

    hits = await store.asearch(("t1",), query="which phone app", limit=3)
    assert {h.key for h in hits[:2]} == {"a", "c"}
    assert all(h.namespace[0] == "t1" for h in hits)
    assert hits[0].score >= hits[-1].score

    only_c1 = await store.asearch(("t1", "c1"), query="mobile app")
    assert {h.key for h in only_c1} == {"a", "b"}
    filtered = await store.asearch(("t1",), filter={"priority": {"$gte": 2}})
    assert [h.key for h in filtered] == ["b"]
    exact = await store.asearch(("t1",), filter={"kind": "preference"})
    assert [h.key for h in exact] == ["c"]
    everything = await store.asearch(("t1",), limit=10)
    page = await store.asearch(("t1",), limit=1, offset=1)
    assert [h.key for h in page] == [everything[1].key]


async def test_index_paths_and_unindexed_items(store):
    namespace = ("t1", "c1", "notes")
    await store.aput(namespace, "n1", {"title": "Billing", "body": "charged twice in March"},
                     index=["body"])
    await store.aput(namespace, "n2", {"secret": "do not embed"}, index=False)
    hits = await store.asearch(namespace, query="double charge")
    assert [h.key for h in hits] == ["n1"]
    assert (await store.aget(namespace, "n2")).value == {"secret": "do not embed"}


async def test_list_namespaces(store):
    for namespace in [("t1", "c1", "memories"), ("t1", "c2", "memories"),
                      ("t1", "c2", "notes"), ("t2", "c1", "memories")]:
        await store.aput(namespace, "k", {"content": "x"})
    assert await store.alist_namespaces(prefix=("t1",)) == [
        ("t1", "c1", "memories"), ("t1", "c2", "memories"), ("t1", "c2", "notes")
    ]
    assert await store.alist_namespaces(suffix=("notes",)) == [("t1", "c2", "notes")]
    assert await store.alist_namespaces(prefix=("t1", "*", "memories")) == [
        ("t1", "c1", "memories"), ("t1", "c2", "memories")
    ]
    assert await store.alist_namespaces(max_depth=1) == [("t1",), ("t2",)]
    assert await store.alist_namespaces(limit=1, offset=1) == [("t1", "c2", "memories")]


async def test_items_with_a_ttl_expire(store):
    namespace = ("t1", "c1", "memories")
    await store.aput(namespace, "brief", {"content": "On a call right now"}, ttl=0.5 / 60)
    await store.aput(namespace, "kept", {"content": "Works in finance"})
    assert await store.aget(namespace, "brief") is not None

    async def expired():
        return await store.aget(namespace, "brief", refresh_ttl=False) is None

    await await_until(expired, timeout=5, what="the item to expire")
    assert [h.key for h in await store.asearch(namespace)] == ["kept"]


async def test_bad_namespaces_are_refused(store):
    with pytest.raises(InvalidNamespaceError):
        await store.aput(("t1", "a.b"), "k", {"content": "x"})
    with pytest.raises(InvalidNamespaceError):
        await store.aput(("langgraph",), "k", {"content": "x"})


async def test_remembered_memories_and_store_items_are_one_memory(store, long_term):
    record, _ = await long_term.remember("t1", "c1", "Prefers email", kind="preference")
    item = await store.aget(customer_namespace("t1", "c1"), record.id)
    assert item.value == {"content": "Prefers email", "kind": "preference", "source": "agent"}
    await store.aput(customer_namespace("t1", "c1"), "from-graph",
                     {"content": "Is on the Enterprise plan", "kind": "fact"})
    hits = await long_term.recall("t1", "which plan", customer_id="c1")
    assert hits[0].id == "from-graph"


class State(TypedDict):
    customer_id: str
    question: str
    known: list[str]


async def test_a_graph_node_reads_and_writes_runtime_store(store):
    async def recall_node(state: State, runtime: Runtime) -> dict:
        namespace = ("t1", state["customer_id"], "memories")
        await runtime.store.aput(namespace, "asked", {"content": state["question"]})
        hits = await runtime.store.asearch(namespace, query=state["question"], limit=5)
        return {"known": [h.value["content"] for h in hits]}

    def sync_node(state: State, runtime: Runtime) -> dict:
        # Sync nodes run in worker threads; the store hands their ops to the event loop.
        item = runtime.store.get(("t1", state["customer_id"], "memories"), "plan")
        return {"known": [*state["known"], item.value["content"]]}

    builder = StateGraph(State)
    builder.add_node("recall", recall_node)
    builder.add_node("sync", sync_node)
    builder.add_edge(START, "recall")
    builder.add_edge("recall", "sync")
    builder.add_edge("sync", END)
    graph = builder.compile(store=store)

    await store.aput(("t1", "c1", "memories"), "plan", {"content": "Enterprise plan"})
    result = await graph.ainvoke({"customer_id": "c1", "question": "what plan am I on",
                                  "known": []})
    assert "Enterprise plan" in result["known"][:2]
    assert result["known"][-1] == "Enterprise plan"
    assert (await store.aget(("t1", "c1", "memories"), "asked")).value == {
        "content": "what plan am I on"
    }


async def test_sync_batch_on_the_event_loop_is_refused(store):
    await store.aput(("t1", "c1", "memories"), "k", {"content": "x"})
    with pytest.raises(asyncio.InvalidStateError, match="abatch"):
        store.get(("t1", "c1", "memories"), "k")
