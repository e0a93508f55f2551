"""The Claude Desktop bundle and the MCP Registry entry, built by their one command: the
official bundle CLI (npm @anthropic-ai/mcpb) validates the manifest, the manifest lists what
the suite serves, the bundle's own sources serve it over stdio as the manifest says to start
them, and server.json is valid against the registry's schema and names this very bundle."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tomllib
import zipfile
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from fastmcp.client.transports import StdioTransport

from tests.support.eras import client_for
from tests.support.npm import npm_program

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "manifests" / "claude-desktop" / "build.py"
MCPB = "@anthropic-ai/mcpb@2.1.2"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, str(BUILD), "--out", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def unpacked(built, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bundle")
    with zipfile.ZipFile(built / f"supportdesk-{VERSION}.mcpb") as bundle:
        bundle.extractall(folder)
    return folder


def test_the_official_bundle_cli_accepts_the_bundle(built, unpacked):
    mcpb = npm_program("mcpb", MCPB)
    validated = subprocess.run([mcpb, "validate", str(unpacked / "manifest.json")],
                               capture_output=True, text=True, timeout=120)
    info = subprocess.run([mcpb, "info", str(built / f"supportdesk-{VERSION}.mcpb")],
                          capture_output=True, text=True, timeout=120)
    assert validated.returncode == 0 and "validation passes" in validated.stdout, (
        validated.stdout + validated.stderr)
    assert info.returncode == 0, info.stdout + info.stderr


async def test_the_bundle_serves_what_its_manifest_lists_over_stdio(unpacked, tmp_path):
    manifest = json.loads((unpacked / "manifest.json").read_text())
    config = manifest["server"]["mcp_config"]
    assert config["command"] == "uv"
    run_args = config["args"][config["args"].index("${__dirname}") + 1:]
    assert run_args[0] == "supportdesk"
    # What Claude Desktop fills in: the user's answers, the optional ones left empty.
    answers = {"data_dir": str(tmp_path / "data"), "llm": "offline", "anthropic_api_key": "",
               "openai_api_key": ""}
    env = {name: re.sub(r"\$\{user_config\.(\w+)\}", lambda m: answers[m.group(1)], value)
           for name, value in config["env"].items()}
    # uv would install the dependencies; this venv has them. The code is the bundle's own.
    transport = StdioTransport(sys.executable, ["-m", "servers.cli", *run_args[1:]],
                               env={"PYTHONPATH": str(unpacked), "PATH": "/usr/bin:/bin", **env},
                               cwd=str(unpacked))
    # One era: every server's stdio transport is tested in both elsewhere.
    async with client_for(transport, "2025-11-25") as client:
        served = {tool.name for tool in await client.list_tools()}
        found = await client.call_tool("kb_search", {"query": "reset my password"})
    assert served == {tool["name"] for tool in manifest["tools"]}
    assert found.structured_content["hits"]
    assert (tmp_path / "data").is_dir(), "the data folder the user chose holds the stores"
    assert manifest["version"] == VERSION


def test_the_registry_entry_is_valid_and_names_this_bundle(built):
    entry = json.loads((built / "server.json").read_text())
    schema_folder = files("skillsaw.schemas.mcp_registry.v2025_12_11")
    schema = json.loads((schema_folder / "server.schema.json").read_text())
    assert entry["$schema"] == schema["$id"]
    jsonschema.validate(entry, schema, format_checker=jsonschema.FormatChecker())

    bundle = (built / f"supportdesk-{VERSION}.mcpb").read_bytes()
    [package] = entry["packages"]
    assert package["registryType"] == "mcpb" and package["transport"] == {"type": "stdio"}
    assert package["fileSha256"] == hashlib.sha256(bundle).hexdigest()
    assert entry["version"] == package["version"] == VERSION
    assert package["identifier"].endswith(f"/supportdesk-{VERSION}.mcpb")


def test_the_bundle_is_reproducible(built, tmp_path):
    again = subprocess.run([sys.executable, str(BUILD), "--out", str(tmp_path)],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    name = f"supportdesk-{VERSION}.mcpb"
    assert (tmp_path / name).read_bytes() == (built / name).read_bytes()
