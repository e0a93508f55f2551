"""Tokens verified against the issuer's JWKS URL (here a real local HTTP endpoint)."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from fastmcp.client.transports import StreamableHttpTransport
from fastmcp.server.auth.providers.jwt import RSAKeyPair

from tests.support.eras import client_for
from tests.support.processes import http_server

ISSUER, AUDIENCE, KID = "https://id.supportdesk.test", "supportdesk", "key-1"


def jwks_of(keys: RSAKeyPair) -> dict:
    numbers = load_pem_public_key(keys.public_key.encode()).public_numbers()

    def b64(value: int) -> str:
        raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return {"keys": [{"kty": "RSA", "kid": KID, "use": "sig", "alg": "RS256",
                      "n": b64(numbers.n), "e": b64(numbers.e)}]}


def serve_jwks(document: dict) -> ThreadingHTTPServer:
    body = json.dumps(document).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


async def test_a_token_signed_by_the_jwks_key_is_accepted_and_others_are_not(data_dir):
    keys = RSAKeyPair.generate()
    jwks = serve_jwks(jwks_of(keys))
    env = {
        "SUPPORTDESK_AUTH_JWKS_URL": f"http://127.0.0.1:{jwks.server_address[1]}/jwks.json",
        "SUPPORTDESK_AUTH_ISSUER": ISSUER,
        "SUPPORTDESK_AUTH_AUDIENCE": AUDIENCE,
    }
    good = keys.create_token(subject="agent@demo", issuer=ISSUER, audience=AUDIENCE,
                             scopes=["kb:read"], kid=KID, additional_claims={"tenant": "demo"})
    forged = RSAKeyPair.generate().create_token(subject="x", issuer=ISSUER, audience=AUDIENCE,
                                                scopes=["kb:read"], kid=KID)
    try:
        with http_server("kb", data_dir=data_dir, env=env) as kb:
            transport = StreamableHttpTransport(kb.mcp_url,
                                                headers={"Authorization": f"Bearer {good}"})
            async with client_for(transport, "2026-07-28") as client:
                hits = await client.call_tool("search", {"query": "refund"})
            refused = httpx.post(kb.mcp_url, json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
                                 headers={"Authorization": f"Bearer {forged}",
                                          "Accept": "application/json, text/event-stream"})
    finally:
        jwks.shutdown()
        jwks.server_close()
    assert hits.structured_content["hits"]
    assert refused.status_code == 401
