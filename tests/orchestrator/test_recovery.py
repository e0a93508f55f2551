"""Taking over runs whose process died, in process: a decision won by a decider that then died,
a run that never reached its first checkpoint, and two takers racing for the same runs."""

import asyncio

from fastmcp import Client

from orchestrator.runner import Orchestrator
from tests.orchestrator.requests import PASSWORD, REFUND

GONE = ("proc-gone", 0.0)  # a lease that has already run out: its holder died


async def test_a_decision_whose_decider_died_is_applied_by_the_next_taker(resolve_server):
    rig = resolve_server()
    async with Client(rig.server) as client:
        pending = (await client.call_tool("triage_and_resolve", REFUND)).structured_content
        approval_id = pending["approval"]["approval_id"]
        decision = {"type": "edit", "edited_reply": "A human wrote this reply.", "message": None}
        assert await rig.orchestrator.records.decide("demo", approval_id, decision, "lead",
                                                     lease=GONE)
        taken = await rig.orchestrator.recover_cut_off_runs()
        run = await rig.orchestrator.records.get_run("demo", pending["run_id"])
    assert taken == [pending["run_id"]]
    assert run["status"] == "resolved"
    assert run["outcome"]["reply"] == "A human wrote this reply."
    assert run["outcome"]["approval"]["decided_by"] == "lead"
    assert [e.type for e in rig.publisher.events].count("approval.decided") == 1


async def test_a_run_with_neither_checkpoint_nor_input_ends_failed_with_the_reason(
    resolve_server
):
    rig = resolve_server()
    async with Client(rig.server):
        records = rig.orchestrator.records
        await records.save_run({"run_id": "run-00000000deadbeef", "request_id": "req-x",
                                "tenant": "demo", "customer_id": "C-000002",
                                "status": "running"})
        taken = await rig.orchestrator.recover_cut_off_runs()
        run = await records.get_run("demo", "run-00000000deadbeef")
    assert taken == ["run-00000000deadbeef"]
    assert run["status"] == "failed" and "submit the request again" in run["outcome"]["error"]
    [failed] = rig.publisher.of_type("request.failed")
    assert failed.payload == {"stage": "recovery", "error": "RunCutOff", "retryable": True}


async def test_two_takers_racing_for_cut_off_runs_finish_each_once(resolve_server):
    rig = resolve_server()
    async with Client(rig.server) as client:
        outs = [(await client.call_tool("triage_and_resolve", {**PASSWORD, "request_id": f"r{n}"})
                 ).structured_content for n in range(4)]
        records = rig.orchestrator.records
        for out in outs:  # as if each run's process had died before its last step
            await records.save_run({"run_id": out["run_id"], "status": "running"})
        other = Orchestrator(rig.orchestrator.engine, rig.publisher, records,
                             rig.orchestrator.connect, rig.orchestrator._checkpointer)
        other._graph, other._tools = rig.orchestrator.graph, rig.orchestrator.tools
        mine, theirs = await asyncio.gather(rig.orchestrator.recover_cut_off_runs(),
                                            other.recover_cut_off_runs())
        statuses = [(await records.get_run("demo", o["run_id"]))["status"] for o in outs]
    assert sorted(mine + theirs) == sorted(o["run_id"] for o in outs)
    assert not set(mine) & set(theirs)
    assert statuses == ["resolved"] * 4


async def test_a_run_cut_off_after_its_input_checkpoint_goes_on_from_it(resolve_server):
    """Killed between the input checkpoint and the first step: the checkpoint shows only the
    reducers' empty values, and the run is finished from it, not given up."""
    rig = resolve_server()
    async with Client(rig.server) as client:
        done = (await client.call_tool("triage_and_resolve", PASSWORD)).structured_content
        records, graph = rig.orchestrator.records, rig.orchestrator.graph
        first = await graph.aget_state({"configurable": {"thread_id": done["run_id"]}})
        run_id = "run-00000000c0ffee00"
        state = {"request": {**first.values["request"], "run_id": run_id,
                             "request_id": "req-input-only"},
                 "customer": first.values["customer"]}
        await graph.aupdate_state({"configurable": {"thread_id": run_id}}, state,
                                  as_node="__input__")
        snapshot = await graph.aget_state({"configurable": {"thread_id": run_id}})
        await records.save_run({"run_id": run_id, "request_id": "req-input-only",
                                "tenant": "demo", "customer_id": state["customer"]["id"],
                                "status": "running", "input": state})
        taken = await rig.orchestrator.recover_cut_off_runs()
        run = await records.get_run("demo", run_id)
    assert "request" not in snapshot.values and snapshot.next == ("__start__",)
    assert taken == [run_id]
    assert run["status"] == "resolved", run["outcome"]
    assert [e.request_id for e in rig.publisher.of_type("request.resolved")].count(
        "req-input-only") == 1


async def test_a_run_saves_a_checkpoint_when_it_ends_or_after_each_step_if_set(
    resolve_server, monkeypatch
):
    """Steps before finalize have no effects, so by default only where a run ends (or pauses)
    is saved; the setting saves every step, for a cut-off run to go on from its last one."""
    saved = {}
    for every_step in ("false", "true"):
        monkeypatch.setenv("SUPPORTDESK_ORCHESTRATOR_CHECKPOINT_EVERY_STEP", every_step)
        rig = resolve_server()
        async with Client(rig.server) as client:
            done = (await client.call_tool("triage_and_resolve", PASSWORD)).structured_content
            config = {"configurable": {"thread_id": done["run_id"]}}
            saved[every_step] = [state async for state in
                                 rig.orchestrator.graph.aget_state_history(config)]
    assert len(saved["false"]) == 1 and saved["false"][0].values["outcome"]["status"] == "resolved"
    assert len(saved["true"]) > 5
