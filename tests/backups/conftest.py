"""The backup tests work on a committed school (other processes, pg_dump, see only what is
committed): the reliability tests' one."""

from __future__ import annotations

from tests.reliability.conftest import committed_school

__all__ = ["committed_school"]
