"""The knowledge-base server plus a trivial ``echo`` tool, served over HTTP for kb_bench.

The trivial tool is the baseline: same process, same transport, same middleware; only the
work inside the tool differs.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import uvicorn

from embeddings.wordllama_embedder import WordLlamaEmbedder
from servers.http_app import add_health_routes, build_http_app
from servers.kb.server import build_server
from servers.kb.service import KnowledgeBase
from servers.settings import HttpSettings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args()

    kb = KnowledgeBase(args.data_dir, WordLlamaEmbedder())
    server = build_server(kb)

    @server.tool
    def echo(text: str) -> str:
        """Return the text unchanged (benchmark baseline)."""
        return text

    async def ready() -> dict[str, bool]:
        return {"kb": await kb.ready()}

    add_health_routes(server, ready)
    app = build_http_app(server, HttpSettings(port=args.port))
    config = uvicorn.Config(app, host="127.0.0.1", port=args.port, log_level="warning")
    asyncio.run(uvicorn.Server(config).serve())


if __name__ == "__main__":
    main()
