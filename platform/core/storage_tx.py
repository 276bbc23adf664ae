"""Files saved to storage inside a transaction, deleted again if it does not commit.

A database rollback cannot take back a file already written to storage: an attachment
saved before its transaction failed would stay on disk with no row pointing at it. A
block that stores files runs in `atomic_with_files()` (a `transaction.atomic` with a list
of the files written inside it), and each file is reported with `delete_on_rollback`:

- the block rolls back (an exception, a rollback mark, a failed commit): its files are
  deleted;
- a nested block succeeds: its files pass to the enclosing `atomic_with_files` block and
  share that block's fate (the Idempotency-Key middleware wraps the view in one, so a key's
  transaction failing after the view removes the view's files);
- the outermost block commits: the files stay.

Limits: a file stored outside any such block is not tracked; files of a block that
succeeded inside a plain `transaction.atomic` that later rolls back stay (wrap that one in
`atomic_with_files` too); a process killed between the write and the commit leaves its
file (only a sweep of unreferenced files could find it).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.storage import Storage
from django.db import DEFAULT_DB_ALIAS, transaction

logger = logging.getLogger(__name__)

_local = threading.local()

Written = list[tuple[Storage, str]]


def _stack(using: str) -> list[Written]:
    stacks: dict[str, list[Written]] = _local.__dict__.setdefault("stacks", {})
    return stacks.setdefault(using, [])


def delete_on_rollback(storage: Storage, name: str, *, using: str | None = None) -> None:
    """Delete this just-stored file if the innermost `atomic_with_files` block rolls back."""
    stack = _stack(using or DEFAULT_DB_ALIAS)
    if stack:
        stack[-1].append((storage, name))


def _delete(written: Written) -> None:
    for storage, name in written:
        try:
            storage.delete(name)
        except Exception:  # the rollback's own error matters more; say what is left behind
            logger.exception("could not delete %s after a rollback", name)


@contextmanager
def atomic_with_files(using: str | None = None) -> Iterator[None]:
    """`transaction.atomic()` that deletes the files stored in it when it rolls back.

    Works as a decorator too (`@atomic_with_files()`).
    """
    alias = using or DEFAULT_DB_ALIAS
    stack = _stack(alias)
    mine: Written = []
    stack.append(mine)
    kept = False
    try:
        with transaction.atomic(using=alias):
            yield
            marked = transaction.get_rollback(using=alias)
        # Reached only when the savepoint was released or the transaction committed.
        kept = not marked
    finally:
        stack.pop()
        if not kept:
            _delete(mine)
        elif stack:
            stack[-1].extend(mine)
