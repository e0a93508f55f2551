import pytest

from orchestrator.domain import Draft, Review, TriageRequest

from orchestrator.engines.base import EngineError, LLMEngine
from orchestrator.engines.scripted import ScriptedEngine
from tests.orchestrator.conftest import make_triage


async def test_answers_come_in_script_order_and_requests_are_recorded():
    failed = Review(passed=False, issues=["length: the reply is too short"], grounded_ratio=0.0)
    engine = ScriptedEngine(
        triages=[make_triage(priority="urgent")],
        drafts=[Draft(reply="Hi", citations=[], claims=[])],
        reviews=[failed, failed],
    )
    assert isinstance(engine, LLMEngine)
    request = TriageRequest(message="help")
    assert (await engine.triage(request)).priority == "urgent"
    assert engine.requests == [request]
    assert (await engine.review(None)) == failed and (await engine.review(None)) == failed


async def test_scripted_errors_are_raised_and_an_empty_script_is_an_engine_error():
    engine = ScriptedEngine(triages=[EngineError("provider down")])
    with pytest.raises(EngineError, match="provider down"):
        await engine.triage(TriageRequest(message="help"))
    with pytest.raises(EngineError, match="no draft left"):
        await engine.draft(None)
