"""Hypothesis strategies from a tool's JSON input schema: values the schema says are valid.

Covers what pydantic writes for our tools — objects, strings (length, pattern, date-time),
integers and numbers (bounds), booleans, arrays, enums and consts, ``anyOf`` (optional values)
and ``$ref`` into ``$defs``. (hypothesis-jsonschema does this too, but its last release does not
run on current Hypothesis.)
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy:
    return _strategy(schema, schema.get("$defs", {}))


def _strategy(schema: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy:
    if "$ref" in schema:
        return _strategy(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return st.one_of([_strategy(option, defs) for option in schema[key]])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([_strategy({**schema, "type": one}, defs) for one in kind])
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(schema.get("minimum", -(10**6)), schema.get("maximum", 10**6))
    if kind == "number":
        return st.floats(schema.get("minimum", -1e6), schema.get("maximum", 1e6),
                         allow_nan=False)
    if kind == "string":
        return _string(schema)
    if kind == "array":
        items = _strategy(schema.get("items", {}), defs)
        return st.lists(items, min_size=schema.get("minItems", 0),
                        max_size=min(schema.get("maxItems", 4), 4))
    if kind == "object" or "properties" in schema:
        return _object(schema, defs)
    return st.none() | st.text(max_size=10)


def _string(schema: dict[str, Any]) -> st.SearchStrategy:
    low, high = schema.get("minLength", 0), min(schema.get("maxLength", 60), 60)
    if schema.get("format") == "date-time":
        return st.datetimes(timezones=st.just(__import__("datetime").UTC)).map(
            lambda moment: moment.isoformat())
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True).filter(
            lambda text: low <= len(text) <= schema.get("maxLength", 10**6))
    return st.text(min_size=low, max_size=max(low, high))


def _object(schema: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy:
    properties = schema.get("properties", {})
    required = set(schema.get("required", ()))
    fixed = {name: _strategy(sub, defs) for name, sub in properties.items() if name in required}
    optional = {name: _strategy(sub, defs) for name, sub in properties.items()
                if name not in required}
    return st.fixed_dictionaries(fixed, optional=optional)
