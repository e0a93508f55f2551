"""Build the Claude Desktop bundle (.mcpb) and the MCP Registry entry (server.json).

    .venv/bin/python manifests/claude-desktop/build.py [--out dist]

The bundle holds the project's sources and pyproject.toml (Claude Desktop's uv runtime
installs the dependencies) and a manifest whose tool list is read off the suite itself. The
zip is byte-for-byte reproducible, so server.json's SHA-256 names exactly this bundle.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PACKAGES = ("core", "servers", "embeddings", "events", "memory", "orchestrator")
TOP_FILES = ("pyproject.toml", "README.md")
SKIPPED = {"__pycache__", ".pytest_cache"}
REGISTRY_SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"
# A fixed timestamp for every zip entry: the same sources give the same bytes.
ZIP_TIME = (2026, 1, 1, 0, 0, 0)


async def suite_tools() -> list[dict]:
    """Name and first line of every tool the suite serves, read off a built suite."""
    from fastmcp import Client

    from events import NullPublisher
    from servers.settings import CoreSettings
    from servers.suite import build_suite

    with tempfile.TemporaryDirectory() as data_dir:
        core = CoreSettings(data_dir=Path(data_dir), load_demo_data=False)
        async with Client(build_suite(core, NullPublisher()).server) as client:
            tools = await client.list_tools()
    return [{"name": t.name, "description": (t.description or "").strip().splitlines()[0]}
            for t in sorted(tools, key=lambda t: t.name)]


def manifest(version: str, tools: list[dict]) -> dict:
    data = json.loads((HERE / "manifest.template.json").read_text())
    return {**data, "version": version, "tools": tools}


def bundle_files() -> list[Path]:
    files = [ROOT / name for name in TOP_FILES]
    for package in PACKAGES:
        files += [path for path in (ROOT / package).rglob("*")
                  if path.is_file() and not SKIPPED & set(path.parts) and path.suffix != ".pyc"]
    return sorted(files)


def write_bundle(path: Path, manifest_json: dict) -> None:
    def add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        archive.writestr(info, data)

    with zipfile.ZipFile(path, "w") as archive:
        add(archive, "manifest.json", json.dumps(manifest_json, indent=2).encode() + b"\n")
        for file in bundle_files():
            add(archive, file.relative_to(ROOT).as_posix(), file.read_bytes())


def server_json(version: str, description: str, name: str, url: str, sha256: str) -> dict:
    return {
        "$schema": REGISTRY_SCHEMA,
        "name": name,
        "title": "supportdesk",
        "description": description,
        "version": version,
        "packages": [{
            "registryType": "mcpb",
            "identifier": url,
            "version": version,
            "fileSha256": sha256,
            "transport": {"type": "stdio"},
        }],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="Output folder.")
    parser.add_argument("--name", default="io.github.supportdesk/supportdesk",
                        help="The registry name (your namespace/server).")
    parser.add_argument(
        "--download-url",
        default="https://github.com/supportdesk/supportdesk/releases/download/"
                "v{version}/supportdesk-{version}.mcpb",
        help="Where the bundle is published; {version} is filled in.")
    args = parser.parse_args(argv)

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    version = project["version"]
    args.out.mkdir(parents=True, exist_ok=True)
    bundle = args.out / f"supportdesk-{version}.mcpb"
    bundle_manifest = manifest(version, asyncio.run(suite_tools()))
    write_bundle(bundle, bundle_manifest)
    sha256 = hashlib.sha256(bundle.read_bytes()).hexdigest()
    entry = server_json(version, project["description"], args.name,
                        args.download_url.format(version=version), sha256)
    (args.out / "server.json").write_text(json.dumps(entry, indent=2) + "\n")
    print(f"{bundle} ({len(bundle_manifest['tools'])} tools, sha256 {sha256})")
    print(args.out / "server.json")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("SUPPORTDESK_LOG_LEVEL", "WARNING")
    sys.exit(main())
