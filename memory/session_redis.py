"""The shared session cache on Redis (``redis.asyncio`` with a connection pool).

Keys, under ``{prefix}:{tenant}:``: ``s:{id}:meta`` (hash: customer_id, updated_at),
``s:{id}:turns`` (list of JSON turns), ``s:{id}:ctx`` and ``s:{id}:facts`` (hashes of JSON),
``s:{id}:keys`` (set of the turns' idempotency keys), ``c:{customer}:sessions`` (set of
session ids). Each write runs as one Lua script, so it is atomic (an idempotency key is
checked and the turn appended in one step) and slides every key's expiry together.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from memory.errors import BackendUnavailable, SessionCustomerMismatch
from memory.models import SessionSnapshot, Turn
from memory.session_cache import Appended, session_from_parts

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)

# KEYS: meta, turns, ctx, facts, keys. ARGV: ttl_ms, now_ms, customer key prefix, session id,
# customer id ('' when not given), then per operation: see the scripts below.
_TOUCH = """
local bound = redis.call('HGET', KEYS[1], 'customer_id')
if ARGV[5] ~= '' then
  if bound and bound ~= ARGV[5] then return -1 end
  if not bound then
    redis.call('HSET', KEYS[1], 'customer_id', ARGV[5])
    bound = ARGV[5]
  end
end
redis.call('HSET', KEYS[1], 'updated_at', ARGV[2])
"""
_SLIDE = """
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
if bound then
  local sessions = ARGV[3] .. bound .. ':sessions'
  redis.call('SADD', sessions, ARGV[4])
  redis.call('PEXPIRE', sessions, ARGV[1])
end
"""
# ARGV[6]: the turn, ARGV[7]: turns kept, ARGV[8]: idempotency key ('' for none).
# Returns -1 (another customer's session) or {turns held, 1 if appended else 0}.
APPEND = _TOUCH + """
local created = 1
if ARGV[8] ~= '' and redis.call('SADD', KEYS[5], ARGV[8]) == 0 then created = 0 end
if created == 1 then
  redis.call('RPUSH', KEYS[2], ARGV[6])
  redis.call('LTRIM', KEYS[2], -tonumber(ARGV[7]), -1)
end
""" + _SLIDE + "return {redis.call('LLEN', KEYS[2]), created}"
SET_CONTEXT = _TOUCH + """
local values = cjson.decode(ARGV[6])
for k, v in pairs(values) do
  if v == cjson.null then redis.call('HDEL', KEYS[3], k)
  else redis.call('HSET', KEYS[3], k, cjson.encode(v)) end
end
""" + _SLIDE + "return 0"
SET_FACT = _TOUCH + """
redis.call('HSET', KEYS[4], ARGV[6], ARGV[7])
""" + _SLIDE + "return 0"


class RedisSessionCache:
    """Sessions in Redis, shared by every replica; connection errors become
    ``BackendUnavailable``."""

    name = "redis"

    def __init__(
        self,
        url: str,
        *,
        ttl_seconds: float,
        max_turns: int,
        key_prefix: str = "supportdesk",
        timeout_seconds: float = 1.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.ttl_ms = max(1, int(ttl_seconds * 1000))
        self.max_turns = max_turns
        self.key_prefix = key_prefix
        self._url = url
        self._timeout = timeout_seconds
        self._clock = clock
        self._redis: Redis | None = None
        self._scripts: dict[str, Any] = {}

    async def open(self) -> None:
        # One quick retry, no backoff: an outage must be noticed fast, not waited out.
        self._redis = Redis.from_url(
            self._url,
            socket_timeout=self._timeout,
            socket_connect_timeout=self._timeout,
            retry=Retry(NoBackoff(), 1),
            decode_responses=True,
        )
        for name, source in (("append", APPEND), ("context", SET_CONTEXT), ("fact", SET_FACT)):
            self._scripts[name] = self._redis.register_script(source)

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None

    @property
    def redis(self) -> Redis:
        if self._redis is None:
            raise RuntimeError("RedisSessionCache is not open")
        return self._redis

    def _base(self, tenant: str) -> str:
        return f"{self.key_prefix}:{quote(tenant, safe='')}"

    def _keys(self, tenant: str, session_id: str) -> list[str]:
        base = f"{self._base(tenant)}:s:{session_id}"
        return [
            f"{base}:meta", f"{base}:turns", f"{base}:ctx", f"{base}:facts", f"{base}:keys"
        ]

    def _customer_key(self, tenant: str, customer_id: str) -> str:
        return f"{self._base(tenant)}:c:{customer_id}:sessions"

    async def _run(self, script: str, tenant: str, session_id: str, customer: str, *extra):
        args = [
            self.ttl_ms,
            int(self._clock() * 1000),
            f"{self._base(tenant)}:c:",
            session_id,
            customer,
            *extra,
        ]
        try:
            return await self._scripts[script](keys=self._keys(tenant, session_id), args=args)
        except UNAVAILABLE as error:
            raise BackendUnavailable(f"redis: {type(error).__name__}") from error

    async def ping(self) -> bool:
        try:
            return bool(await self.redis.ping())
        except UNAVAILABLE:
            return False

    async def append_turn(
        self,
        tenant: str,
        session_id: str,
        turn: Turn,
        *,
        customer_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> Appended:
        answer = await self._run(
            "append", tenant, session_id, customer_id or "", turn.model_dump_json(),
            self.max_turns, idempotency_key or "",
        )
        if answer == -1:
            raise SessionCustomerMismatch(session_id)
        held, created = answer
        return Appended(turns=int(held), created=bool(created))

    async def get(
        self, tenant: str, session_id: str, *, last: int | None = None
    ) -> SessionSnapshot | None:
        meta, turns, ctx, facts, _ = self._keys(tenant, session_id)
        start = 0 if last is None else -max(last, 1)
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.hgetall(meta).lrange(turns, start, -1).hgetall(ctx).hgetall(facts)
                found, raw_turns, raw_ctx, raw_facts = await pipe.execute()
            if not found:
                return None
            now_ms = int(self._clock() * 1000)
            live: dict[str, Any] = {}
            expired = []
            for key, raw in raw_facts.items():
                entry = json.loads(raw)
                if entry["expires_ms"] <= now_ms:
                    expired.append(key)
                else:
                    live[key] = entry["value"]
            if expired:
                await self.redis.hdel(facts, *expired)
        except UNAVAILABLE as error:
            raise BackendUnavailable(f"redis: {type(error).__name__}") from error
        kept = [Turn.model_validate_json(raw) for raw in raw_turns]
        if last is not None and last <= 0:
            kept = []
        return session_from_parts(
            session_id,
            found.get("customer_id"),
            kept,
            {key: json.loads(value) for key, value in raw_ctx.items()},
            live,
        )

    async def set_context(self, tenant: str, session_id: str, values: dict[str, Any]) -> None:
        await self._run("context", tenant, session_id, "", json.dumps(values))

    async def set_fact(
        self, tenant: str, session_id: str, key: str, value: Any, ttl_seconds: float
    ) -> None:
        expires_ms = int((self._clock() + ttl_seconds) * 1000)
        entry = json.dumps({"value": value, "expires_ms": expires_ms})
        await self._run("fact", tenant, session_id, "", key, entry)

    async def delete_session(self, tenant: str, session_id: str) -> bool:
        keys = self._keys(tenant, session_id)
        try:
            customer = await self.redis.hget(keys[0], "customer_id")
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.delete(keys[0]).delete(*keys[1:])
                if customer:
                    pipe.srem(self._customer_key(tenant, customer), session_id)
                existed, *_ = await pipe.execute()
        except UNAVAILABLE as error:
            raise BackendUnavailable(f"redis: {type(error).__name__}") from error
        return bool(existed)

    async def delete_customer(self, tenant: str, customer_id: str) -> int:
        sessions_key = self._customer_key(tenant, customer_id)
        try:
            session_ids = await self.redis.smembers(sessions_key)
            async with self.redis.pipeline(transaction=True) as pipe:
                for session_id in session_ids:
                    keys = self._keys(tenant, session_id)
                    pipe.delete(keys[0]).delete(*keys[1:])
                pipe.delete(sessions_key)
                results = await pipe.execute()
        except UNAVAILABLE as error:
            raise BackendUnavailable(f"redis: {type(error).__name__}") from error
        return sum(bool(n) for n in results[0:-1:2])
