"""A Redis cache that degrades instead of failing when Redis is unreachable (TEN-3).

Most of what the platform keeps in Redis is an optimisation: host lookups, adopted rules,
work kinds, DRF's throttling history. When Redis is down those reads become misses and the
writes are dropped, so requests fall back to PostgreSQL. A circuit breaker remembers the
failure for a few seconds (per process and location), so a dead Redis costs one refused
connection per breaker period, not one per request.

Operations whose *answer* matters for correctness or security -- `add` (one-time tickets,
replay guards), `incr`/`decr` (attempt counters), `get_or_set` -- do not pretend: they raise,
and the request is answered 503 (`core.outage`). They fail closed.

DRF throttling reads and writes with get/set, so it fails open while Redis is down: it
limits load, it does not guard access. Sign-in lockout (django-axes) keeps its attempts in
PostgreSQL and is unaffected; sessions are in PostgreSQL too.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis.exceptions
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)
T = TypeVar("T")
REDIS_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class CircuitBreaker:
    """Open for `cooldown` seconds after a failure; closed again after that (one probe)."""

    def __init__(self, cooldown: float) -> None:
        self.cooldown = cooldown
        self._open_until = 0.0
        self._lock = threading.Lock()

    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self) -> None:
        with self._lock:
            was_closed = not self.is_open()
            self._open_until = time.monotonic() + self.cooldown
        if was_closed:
            logger.warning("Redis unreachable: cache degraded for %.1f s", self.cooldown)

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(location: str, cooldown: float) -> CircuitBreaker:
    with _breakers_lock:
        if location not in _breakers:
            _breakers[location] = CircuitBreaker(cooldown)
        return _breakers[location]


def reset_breakers() -> None:
    """Close every breaker (tests, and after an operator fixed Redis)."""
    with _breakers_lock:
        for breaker in _breakers.values():
            breaker.reset()


class CircuitOpenError(redis.exceptions.ConnectionError):
    """Redis failed moments ago; not tried again until the breaker closes."""


class ResilientRedisCache(RedisCache):
    """Django's RedisCache with misses on outage for reads and no-ops for writes.

    OPTIONS["BREAKER_SECONDS"] (default 5) sets how long a failure keeps Redis untried;
    the other OPTIONS go to redis-py as usual (set short socket timeouts there).
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        cooldown = float(options.pop("BREAKER_SECONDS", 5))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self.breaker = breaker_for(str(server), cooldown)

    @property
    def available(self) -> bool:
        """False while the breaker is open (Redis failed in the last few seconds)."""
        return not self.breaker.is_open()

    def _soft(self, fallback: T, call: Callable[[], T]) -> T:
        if self.breaker.is_open():
            return fallback
        try:
            return call()
        except REDIS_ERRORS:
            self.breaker.trip()
            return fallback

    def _hard(self, call: Callable[[], T]) -> T:
        if self.breaker.is_open():
            raise CircuitOpenError("Redis is unavailable (circuit open)")
        try:
            return call()
        except REDIS_ERRORS:
            self.breaker.trip()
            raise

    # Reads: a miss.
    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._soft(default, lambda: RedisCache.get(self, key, default, version))

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._soft({}, lambda: RedisCache.get_many(self, keys, version))

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._soft(False, lambda: RedisCache.has_key(self, key, version))

    # Writes: dropped (the entry is rebuilt from PostgreSQL when Redis is back).
    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._soft(None, lambda: RedisCache.set(self, key, value, timeout, version))

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        return self._soft(list(data), lambda: RedisCache.set_many(self, data, timeout, version))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._soft(False, lambda: RedisCache.touch(self, key, timeout, version))

    def delete(self, key: Any, version: Any = None) -> bool:
        # A dropped invalidation leaves a stale entry for at most its TTL once Redis is back;
        # host lookups and rules use short TTLs for that reason.
        return self._soft(False, lambda: RedisCache.delete(self, key, version))

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._soft(None, lambda: RedisCache.delete_many(self, keys, version))

    # Answers that decide something: fail closed. (`get_or_set` is a get and an `add`, so a
    # miss during an outage raises from `add`.)
    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._hard(lambda: RedisCache.add(self, key, value, timeout, version))

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        return self._hard(lambda: RedisCache.incr(self, key, delta, version))

    def decr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        return self._hard(lambda: RedisCache.decr(self, key, delta, version))
