"""Command-line tools from the npm registry that some tests run (the MCP bundle CLI):
installed once into .artifacts/npm with the machine's npm, else skipped (a failure under CI)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.support.services import unavailable

PREFIX = Path(__file__).resolve().parents[2] / ".artifacts" / "npm"


def npm_program(command: str, package: str) -> str:
    """The path of ``command`` from the npm ``package`` (name@version), installed if missing."""
    found = PREFIX / "node_modules" / ".bin" / command
    if found.exists():
        return str(found)
    npm = shutil.which("npm")
    if npm is None:
        unavailable(f"npm not found: it installs {package} for this test")
    PREFIX.mkdir(parents=True, exist_ok=True)
    installed = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix",
                                str(PREFIX), package], capture_output=True, text=True,
                               timeout=600)
    if not found.exists():
        unavailable(f"npm install {package} failed: {installed.stderr.strip()[-500:]}")
    return str(found)
