"""Pick the session-cache backend named by settings, once, at start-up."""

from __future__ import annotations

from memory.checkpoints import describe_url
from memory.session_cache import SessionCache
from memory.session_local import InProcessSessionCache
from memory.settings import MemorySettings


def local_session_cache(settings: MemorySettings) -> InProcessSessionCache:
    return InProcessSessionCache(
        ttl_seconds=settings.session_ttl_seconds,
        max_turns=settings.session_max_turns,
        max_sessions=settings.local_max_sessions,
    )


def session_cache_from_settings(settings: MemorySettings) -> SessionCache:
    """Redis with the in-process fallback when a Redis URL is set; in-process otherwise."""
    if settings.redis_url is None:
        return local_session_cache(settings)
    from memory.session_redis import RedisSessionCache
    from memory.session_resilient import ResilientSessionCache

    redis = RedisSessionCache(
        settings.redis_url.get_secret_value(),
        ttl_seconds=settings.session_ttl_seconds,
        max_turns=settings.session_max_turns,
        key_prefix=settings.redis_key_prefix,
        timeout_seconds=settings.redis_timeout_seconds,
    )
    return ResilientSessionCache(
        redis, local_session_cache(settings), retry_seconds=settings.redis_retry_seconds
    )


def describe_session_cache(settings: MemorySettings) -> str:
    if settings.redis_url is None:
        return "in-process"
    return f"redis at {describe_url(settings.redis_url.get_secret_value())} (in-process fallback)"
