"""The knowledge-base server plus a trivial ``echo`` tool, served over HTTP for kb_bench."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.http_target import serve_with_echo
from embeddings.wordllama_embedder import WordLlamaEmbedder
from servers.kb.server import build_server
from servers.kb.wiring import knowledge_base
from servers.kb.settings import KbSettings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--serving-max-passages", type=int, default=None,
                        help="0: every search in LanceDB (the baseline of the serving index)")
    args = parser.parse_args()

    settings = KbSettings()  # as served: SUPPORTDESK_KB_SEARCH_CACHE_SIZE=0 measures no cache
    kb = knowledge_base(
        args.data_dir,
        WordLlamaEmbedder(),
        search_cache_size=settings.search_cache_size,
        refresh_seconds=settings.refresh_seconds,
        serving_max_passages=(settings.serving_max_passages if args.serving_max_passages is None
                              else args.serving_max_passages),
    )

    async def ready() -> dict[str, bool]:
        return {"kb": await kb.ready()}

    serve_with_echo(build_server(kb), ready, args.port)


if __name__ == "__main__":
    main()
