"""A bare FastMCP server with one ``echo`` tool over streamable HTTP: the floor a server on
this machine and this SDK can reach, for ``bench.suite_bench`` to set the suite beside.

    python -m bench.bare_echo --port 8799
"""

from __future__ import annotations

import argparse

import uvicorn
from fastmcp import FastMCP
from starlette.requests import Request
from starlette.responses import JSONResponse


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    server = FastMCP("bare-echo")

    @server.tool
    def echo(text: str) -> str:
        """Return the text unchanged."""
        return text

    @server.custom_route("/readyz", methods=["GET"])
    async def ready(request: Request) -> JSONResponse:
        return JSONResponse({"ready": True})

    uvicorn.run(server.http_app(path="/mcp"), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
