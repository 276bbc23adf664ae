"""Per-school fairness inside each Celery queue (issue #17, TEN-3, AVL-1).

Every message of a school gets a broker priority from how many of that school's messages
are already waiting in the same queue: its 1st waiting task is sent at level 0 (served
first), the 2nd at 1, the 3rd-4th at 2, the 5th-8th at 3, ... the 257th and later at 9
(level = bit length of the number already waiting). Kombu's Redis transport keeps one list
per level and its BRPOP takes level 0 of every queue before level 1 of any, so a school
that enqueued 5,000 tasks has one at level 0, one at level 1, ... and the rest at 9, while
another school's single task goes in at level 0 and is taken next: it waits for at most
one task of each busier school at each level below its own, never for the flood.

The count is a Redis counter per (queue, school) in the broker's database: the producer
increments it when it publishes (`prioritize`, from `config.celery.App.send_task`) and the
worker decrements it when the task starts (`task_prerun`), by the key the producer put in
the message's `_fair_key` header. Only the order changes: the message itself is published
and acknowledged exactly as before (acks_late, redelivery, the outbox, run-once task ids),
so a wrong count can reorder work but never lose or hold it. Counts heal themselves: a
counter is deleted when it drains to zero and expires FAIR_COUNTER_TTL seconds after the
school's last send (a count left high by a crashed worker lasts at most that long).

Delayed messages (countdown/eta) are not counted and go at level 0: with Redis the worker
takes them at once and holds them until they are due, so they never queue in front of
anybody.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from celery.signals import task_prerun
from django.conf import settings

logger = logging.getLogger(__name__)

HEADER = "_fair_key"
MAX_LEVEL = 9
# Kombu's Redis transport: one list per level, 0 served first (see the module docstring).
PRIORITY_STEPS = list(range(MAX_LEVEL + 1))
DEFAULT_COUNTER_TTL = 3600

# Decrement, and forget the key once the school's queue is drained (never below zero).
_DECREMENT = """
local left = redis.call('DECR', KEYS[1])
if left <= 0 then redis.call('DEL', KEYS[1]) end
return left
"""


def level_for(waiting: int) -> int:
    """The priority level of a message with `waiting` messages of its school ahead of it."""
    return min(MAX_LEVEL, max(0, waiting).bit_length())


def counter_key(queue: str, schema: str) -> str:
    return f"fair:{queue}:{schema}"


@lru_cache(maxsize=8)
def _client(url: str) -> Any:
    import redis

    # Short timeouts: a dead Redis makes the publish fail by itself; this must not add more.
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def _queue_of(app: Any, name: str, options: dict[str, Any]) -> str:
    queue = options.get("queue")
    if queue:
        return str(getattr(queue, "name", queue))
    routes = app.conf.task_routes
    route = routes.get(name) if isinstance(routes, dict) else None
    if route and route.get("queue"):
        return str(route["queue"])
    return str(app.conf.task_default_queue)


def prioritize(app: Any, name: str, options: dict[str, Any]) -> str | None:
    """Set `options["priority"]` from the school's backlog in the task's queue and mark the
    message with the counter it was counted in; returns that key (None if not counted)."""
    headers = dict(options.get("headers") or {})
    if HEADER in headers:  # a retry carries its first message's headers: not counted twice
        del headers[HEADER]
        options["headers"] = headers
    if options.get("priority") is not None:
        return None
    if options.get("countdown") or options.get("eta"):
        options["priority"] = 0
        return None
    schema = headers.get("_schema_name")
    if not schema:
        return None
    key = counter_key(_queue_of(app, name, options), str(schema))
    ttl = int(getattr(settings, "CELERY_FAIR_COUNTER_TTL", None) or DEFAULT_COUNTER_TTL)
    try:
        pipe = _client(app.conf.broker_url).pipeline()
        pipe.incr(key)
        pipe.expire(key, ttl)
        waiting = int(pipe.execute()[0]) - 1
    except Exception:  # the broker is down: the publish itself will fail or succeed
        logger.warning("fairness: counter unavailable; sending at the default priority")
        return None
    options["priority"] = level_for(waiting)
    options["headers"] = {**headers, HEADER: key}
    return key


def forget(app: Any, key: str | None) -> None:
    """Undo `prioritize`'s count (the publish failed)."""
    if key:
        _release(app.conf.broker_url, key)


def _release(url: str, key: str) -> None:
    try:
        _client(url).eval(_DECREMENT, 1, key)
    except Exception:
        logger.warning("fairness: counter unavailable; it expires by itself")


def _key_from_request(task: Any) -> str | None:
    request = task.request
    headers = getattr(request, "headers", None) or {}
    key = headers.get(HEADER) if isinstance(headers, dict) else None
    return key or request.get(HEADER)


@task_prerun.connect(weak=False)
def _started(sender: Any = None, task: Any = None, **_: Any) -> None:
    """A worker starts a counted message: one fewer of its school waits in the queue."""
    if task is None or getattr(task.request, "is_eager", False):
        return
    key = _key_from_request(task)
    if key and key.startswith("fair:"):
        _release(task.app.conf.broker_url, key)
