"""Run by tests/deploy/test_replica.py in a process of its own, whose DATABASE_URL is a
scratch primary and DATABASE_REPLICA_URL its streaming replica (or unset). Prints one JSON
object: what each database alias ran for a department page and a school's report.

`python tests/deploy/replica_probe.py setup|read`: `setup` writes the department user and
a school year in school1 (on the primary) and waits until the replica has replayed them;
`read` opens the department's page and runs the class-sizes report as the director,
capturing each alias's statements; `read-down` the same with the replica stopped (only the
primary is watched: connecting to the replica to watch it would fail).
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import django

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from accounts.models import User  # noqa: E402
from core.tenancy import db  # noqa: E402

HAS_REPLICA = "replica" in connections.settings


def value(alias: str, sql: str) -> Any:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def wait_for_replay() -> None:
    target = value("default", "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.1)
    raise SystemExit("the replica did not replay the primary's WAL in 30 s")


def setup() -> dict[str, Any]:
    from tests.world import build_world

    user = User.objects.create_user("dora-replica", password="x-department-pass-1")
    user.groups.add(Group.objects.get(name="department"))
    with schema_context("school1"):
        build_world()
    db.set_schema_to_public()
    if HAS_REPLICA:
        wait_for_replay()
    return {"ok": True}


def _sql(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries]


def read(*, replica_up: bool) -> dict[str, Any]:
    from core.replica import replica_reads
    from journal.audit.services import access_log
    from journal.reports.selectors import report_run
    from journal.roster.models import Pupil
    from journal.structure.models import AcademicYear

    aliases = ["default", "replica"] if HAS_REPLICA and replica_up else ["default"]
    out: dict[str, Any] = {"recovery": {a: value(a, "SELECT pg_is_in_recovery()") for a in aliases}}
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="dora-replica"))
    captures = {a: CaptureQueriesContext(connections[a]) for a in aliases}
    for capture in captures.values():
        capture.__enter__()
    try:
        out["department_status"] = client.get("/department/").status_code
    finally:
        for capture in captures.values():
            capture.__exit__(None, None, None)
    out["department"] = {a: _sql(c) for a, c in captures.items()}

    with schema_context("school1"):
        director = User.objects.get(username="director")
        year = AcademicYear.objects.get()
        captures = {a: CaptureQueriesContext(connections[a]) for a in aliases}
        for capture in captures.values():
            capture.__enter__()
        try:
            run = report_run(
                code="class-sizes",
                data={"academic_year": year.pk, "date": timezone.localdate().isoformat()},
                for_user=director,
            )
            # A write made while replica reads are asked for: it still goes to the primary.
            with replica_reads():
                pupil = Pupil.objects.order_by("pk").first()
                access_log(user=director, action="read", what="probe", pupil_ids=[pupil.pk])  # type: ignore[union-attr]
        finally:
            for capture in captures.values():
                capture.__exit__(None, None, None)
    out["report_rows"] = len(run.table.rows) if run.table is not None else None
    out["report"] = {a: _sql(c) for a, c in captures.items()}
    return out


if __name__ == "__main__":
    mode = sys.argv[1]
    print(json.dumps(setup() if mode == "setup" else read(replica_up=mode == "read")))
