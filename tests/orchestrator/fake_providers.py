"""A local HTTP server that speaks just enough of the Anthropic and OpenAI APIs for the SDKs.

It runs in the test's event loop on a loopback socket bound before it starts (so no waiting
for readiness), records every request, and answers from a queue of scripted replies.
"""

from __future__ import annotations

import asyncio
import json
import socket
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    raw: bytes

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.raw)


@dataclass
class FakeProviders:
    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    _replies: list[tuple[int, dict]] = field(default_factory=list)

    # -- scripting -------------------------------------------------------------------------
    def anthropic_reply(self, output: dict | str, *, stop_reason: str = "end_turn") -> None:
        text = output if isinstance(output, str) else json.dumps(output)
        self._replies.append(
            (
                200,
                {
                    "id": f"msg_{len(self._replies)}",
                    "type": "message",
                    "role": "assistant",
                    "model": "fake",
                    "content": [{"type": "text", "text": text}],
                    "stop_reason": stop_reason,
                    "stop_sequence": None,
                    "usage": {"input_tokens": 10, "output_tokens": 10},
                },
            )
        )

    def openai_reply(
        self, output: dict | str | None, *, finish_reason: str = "stop", refusal: str | None = None
    ) -> None:
        text = output if isinstance(output, str) or output is None else json.dumps(output)
        self._replies.append(
            (
                200,
                {
                    "id": f"chatcmpl-{len(self._replies)}",
                    "object": "chat.completion",
                    "created": 1_700_000_000,
                    "model": "fake",
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": text, "refusal": refusal},
                            "finish_reason": finish_reason,
                            "logprobs": None,
                        }
                    ],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
                },
            )
        )

    def error_reply(self, status: int) -> None:
        self._replies.append(
            (status, {"type": "error", "error": {"type": "api_error", "message": "boom"}})
        )

    # -- serving ---------------------------------------------------------------------------
    async def _answer(self, request: Request) -> JSONResponse:
        self.requests.append(
            Recorded(request.url.path, dict(request.headers), await request.body())
        )
        if not self._replies:
            return JSONResponse({"error": {"message": "no scripted reply"}}, status_code=500)
        status, body = self._replies.pop(0)
        return JSONResponse(body, status_code=status)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/messages", self._answer, methods=["POST"]),
                Route("/v1/chat/completions", self._answer, methods=["POST"]),
            ]
        )


@asynccontextmanager
async def running_fake_providers():
    fake = FakeProviders()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    fake.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    config = uvicorn.Config(
        fake.app(),
        lifespan="off",
        log_level="warning",
        access_log=False,
        ws="none",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield fake
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=10)
        sock.close()
