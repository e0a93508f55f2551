"""Every tool of the suite, fed inputs generated from its own input schema — valid ones and
arbitrary JSON — through a real client: never an internal error, every refusal names a field,
and the server stays healthy. Generation is Hypothesis's; the calls run afterwards, a bounded
number per tool so the suite stays fast."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st


from events import MemoryPublisher
from servers.settings import CoreSettings
from servers.suite import build_suite
from tests.support.eras import client_for
from tests.support.schema_strategies import from_schema

pytestmark = pytest.mark.integration

PER_TOOL = 20
# A run per call is costly: these get fewer cases.
HEAVY = {"triage_and_resolve": 4, "resolve_approval": 6, "workflow_decide_approval": 6}
INTERNAL = re.compile(r"^(Error calling tool|Internal error)", re.IGNORECASE)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False)
    | st.text(max_size=40) | st.sampled_from(["", "   ", "\x00", "C-000001", "T-000001",
                                             "apr-0123456789abcdef", "bob@example.com"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=3),
    max_leaves=6,
)


def generated(strategy: st.SearchStrategy, count: int) -> list[Any]:
    """``count`` inputs drawn by Hypothesis (generation only: the calls run afterwards)."""
    drawn: list[Any] = []

    @settings(max_examples=count, database=None, phases=[Phase.generate], deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value):
        drawn.append(value)

    collect()
    return drawn[:count]


def arbitrary_arguments(schema: dict) -> st.SearchStrategy:
    """Any JSON under the tool's argument names (and one it does not know)."""
    names = sorted(schema.get("properties", {})) + ["not_an_argument"]
    return st.dictionaries(st.sampled_from(names), JSON_VALUES, max_size=len(names))


def names_a_field(text: str, arguments: dict, schema: dict) -> bool:
    known = set(schema.get("properties", {})) | set(arguments)
    if re.match(r"^[a-z_]+: ", text):  # a domain error: 'field: what is wrong'
        return True
    return any(re.search(rf"(^|\n){re.escape(name)}([\[.:\n\s]|$)", text) for name in known)


@pytest.fixture
def suite(data_dir):
    core = CoreSettings(data_dir=data_dir, default_tenant="demo")
    return build_suite(core, MemoryPublisher()).server


async def test_no_generated_input_breaks_any_tool(suite):
    problems: list[str] = []
    tried = 0
    async with client_for(suite, "2026-07-28") as client:
        tools = await client.list_tools()
        for tool in tools:
            schema = tool.input_schema
            count = HEAVY.get(tool.name, PER_TOOL)
            cases = generated(from_schema(schema), count // 2) + generated(
                arbitrary_arguments(schema), count - count // 2)
            for arguments in cases:
                tried += 1
                result = await client.call_tool(tool.name, arguments, raise_on_error=False)
                if not result.is_error:
                    continue
                text = result.content[0].text if result.content else ""
                if INTERNAL.match(text):
                    problems.append(f"{tool.name}({arguments!r}): internal error")
                elif not names_a_field(text, arguments, schema):
                    problems.append(f"{tool.name}({arguments!r}): names no field: {text[:120]}")
        healthy = await client.call_tool("kb_search", {"query": "reset my password"})
    assert len(tools) >= 29 and tried >= 300
    assert problems == [], "\n".join(problems[:20])
    assert healthy.structured_content["hits"]
