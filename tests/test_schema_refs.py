"""Listed schemas carry no $ref (some clients cannot follow one), inlined once per tool: a
listing after the first reuses that work, and a tool added or replaced later is inlined too."""

import json

from fastmcp import Client, FastMCP
from pydantic import BaseModel

from servers.schema_refs import DereferenceOnce
from servers.settings import CoreSettings
from servers.suite import build_suite
from tests.support.eras import client_for


class Address(BaseModel):
    city: str


class Contact(BaseModel):
    name: str
    phone: str


def _refers(schema: dict | None) -> bool:
    return schema is not None and ("$ref" in json.dumps(schema) or "$defs" in schema)


async def test_no_tool_the_suite_lists_has_a_ref_in_either_era(data_dir, era):
    from events import MemoryPublisher

    built = build_suite(CoreSettings(data_dir=data_dir, default_tenant="demo"), MemoryPublisher())
    suite = built.server
    async with client_for(suite, era) as client:
        for _ in range(2):  # the second listing is served from what the first worked out
            tools = {tool.name: tool for tool in await client.list_tools()}
            assert not [name for name, tool in tools.items()
                        if _refers(tool.input_schema) or _refers(tool.output_schema)]
            customer = tools["crm_get_customer"].output_schema["properties"]["customer"]
            assert "email" in customer["properties"]  # the model itself, not a pointer to it
    # Each server keeps what it inlined; the suite, listing their inlined tools, keeps nothing.
    assert _held(built.parts["crm"].server) and not _held(suite)


def _held(server: FastMCP) -> int:
    return sum(len(m._inlined) for m in server.middleware if isinstance(m, DereferenceOnce))


async def test_a_tool_added_or_replaced_after_a_listing_is_inlined_as_it_now_is():
    server = FastMCP("contacts", dereference_schemas=False, middleware=[DereferenceOnce()])

    @server.tool
    def ship(address: Address) -> str:
        return address.city

    async with Client(server) as client:
        first = (await client.list_tools())[0]
        assert not _refers(first.input_schema)
        assert "city" in first.input_schema["properties"]["address"]["properties"]

        server.local_provider.remove_tool("ship")

        @server.tool(name="ship")
        def ship_to_contact(address: Contact) -> str:
            return address.name

        @server.tool
        def call(contact: Contact) -> str:
            return contact.phone

        tools = {tool.name: tool for tool in await client.list_tools()}
    assert not any(_refers(tool.input_schema) for tool in tools.values())
    assert set(tools["ship"].input_schema["properties"]["address"]["properties"]) == {
        "name", "phone"}
    assert "phone" in tools["call"].input_schema["properties"]["contact"]["properties"]


async def test_listing_again_inlines_nothing_again():
    middleware = DereferenceOnce()
    server = FastMCP("contacts", dereference_schemas=False, middleware=[middleware])

    @server.tool
    def call(contact: Contact) -> str:
        return contact.phone

    async with Client(server) as client:
        await client.list_tools()
        held = dict(middleware._inlined)
        await client.list_tools()
    assert len(held) == 1
    assert all(middleware._inlined[key][1] is inlined for key, (_, inlined) in held.items())
