"""Celery beat as a singleton (issue #17, AVL-1): any number of beat processes may run
(one per node, a second for failover), and only the holder of a Redis lock sends.

- The lock is one key in the broker's Redis (`beat:leader`), set with NX and a TTL
  (CELERY_BEAT_LOCK_TTL, 30 s by default) to a token of this process. The holder renews it
  at every tick, before it sends anything, and ticks at least every TTL/3; a process that
  finds the key held by another token (its own lapsed: a pause longer than the TTL) stops
  sending at once. Standbys try to take the key every TTL/3, so a killed leader is replaced
  within about 1⅓ TTL.
- The schedule's progress is shared: when the leader sends an entry it records the entry's
  last run in a Redis hash (`beat:last_run`) before it sends (at most once across a
  takeover: a crash in between loses that one send rather than doubling it); a process
  that takes over reads it, so it neither repeats what the old leader sent nor counts from
  its own start. An entry never sent by anyone starts counting now, as a fresh beat does.
- On a clean stop the leader deletes the key (its own token only) so a standby takes over
  at its next try.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from typing import Any

from celery.beat import PersistentScheduler, ScheduleEntry

logger = logging.getLogger(__name__)

LOCK_KEY = "beat:leader"
STATE_KEY = "beat:last_run"
DEFAULT_TTL = 30.0

# Renew only a lock that is still ours (compare-and-expire / compare-and-delete).
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def _ttl_seconds() -> float:
    from django.conf import settings

    return float(getattr(settings, "CELERY_BEAT_LOCK_TTL", DEFAULT_TTL) or DEFAULT_TTL)


class SingletonScheduler(PersistentScheduler):
    """PersistentScheduler that sends only while it holds the beat lock."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        import redis

        self.lock_ttl = _ttl_seconds()
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.leader = False
        app = kwargs.get("app") or (args[0] if args else None)
        url = app.conf.broker_url if app is not None else None
        self.redis = redis.Redis.from_url(
            url or "redis://127.0.0.1:6379/0", socket_connect_timeout=2, socket_timeout=2
        )
        super().__init__(*args, **kwargs)

    # ----------------------------------------------------------------------------- the lock

    def _hold(self) -> bool:
        """Renew the lock if ours, else try to take it; True while this process leads."""
        ttl_ms = str(int(self.lock_ttl * 1000))
        try:
            if self.leader:
                if int(self.redis.eval(_RENEW, 1, LOCK_KEY, self.token, ttl_ms)):
                    return True
                self.leader = False
                logger.warning("beat %s lost the lock: another beat leads now", self.token)
            if self.redis.set(LOCK_KEY, self.token, nx=True, px=int(ttl_ms)):
                self.leader = True
                logger.info("beat %s became the leader", self.token)
                self._take_over()
        except Exception:
            # Redis unreachable: nobody can renew; step down so two never send at once.
            if self.leader:
                logger.warning("beat %s cannot reach Redis: standing by", self.token)
            self.leader = False
        return self.leader

    def _take_over(self) -> None:
        """Continue the schedule where the last leader left it."""
        stored = self.redis.hgetall(STATE_KEY)
        now = self.app.now()
        for name, entry in self.schedule.items():
            raw = stored.get(name.encode())
            if raw:
                text = raw.decode() if isinstance(raw, bytes) else str(raw)
                entry.last_run_at = dt.datetime.fromisoformat(text)
            else:
                entry.last_run_at = now
        self._heap = None  # rebuild the order from the new last-run times

    # ------------------------------------------------------------------------- the schedule

    def tick(self, *args: Any, **kwargs: Any) -> float:
        step = self.lock_ttl / 3
        if not self._hold():
            return step
        return float(min(super().tick(*args, **kwargs), step))

    def reserve(self, entry: ScheduleEntry) -> Any:
        new_entry: Any = super().reserve(entry)
        try:  # recorded before the send (see the module docstring)
            self.redis.hset(STATE_KEY, entry.name, new_entry.last_run_at.isoformat())
        except Exception:
            logger.warning("beat %s could not record %s's run", self.token, entry.name)
        return new_entry

    def close(self) -> None:
        if self.leader:
            try:
                self.redis.eval(_RELEASE, 1, LOCK_KEY, self.token)
            except Exception:
                logger.warning("beat %s could not release the lock; it expires", self.token)
            self.leader = False
        super().close()
