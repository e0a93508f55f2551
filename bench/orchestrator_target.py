"""The whole suite (orchestrator + co-located servers) plus ``echo``, served for the bench."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.http_target import serve_with_echo
from events import NullPublisher
from servers.settings import CoreSettings
from servers.suite import build_suite


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args()
    built = build_suite(CoreSettings(data_dir=args.data_dir), NullPublisher())
    serve_with_echo(built.server, built.readiness, args.port)


if __name__ == "__main__":
    main()
