"""The department's rollups (issue #13): the dashboard from rollups against the same
figures computed live by a UNION ALL over every school's schema; one school's refresh; the
wall time to refresh them all with the demo's worker settings (concurrency 2).

Run: DATABASE_URL=... PYTHONPATH=.:platform .venv/bin/python bench/rollups.py [schools] [runs]
(default 200 schools, 5 runs). It creates a database of its own (`bench_rollups_<hex>`) on
the server of DATABASE_URL, migrates it, makes `schools` synthetic schools (scaled down: two
classes — grade 5 and grade 9 — of 12 pupils, two subjects, period marks of the first
quarter, 16 lessons with absences), and drops the database at the end. The figures are
checked equal before they are timed. Target: ratio ≤ 0.05. The last line is JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
BASE_URL = os.environ["DATABASE_URL"]
DB_NAME = f"bench_rollups_{secrets.token_hex(3)}"
PUPILS = 12
WORKER_CONCURRENCY = 2  # infra/demo.py's worker


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(BASE_URL, autocommit=True) as conn:
        conn.execute(sql)


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def median_ms(call: Callable[[], Any], runs: int) -> float:
    call()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def inn(i: int) -> str:
    """A valid 10-digit legal-entity INN (check digit) for synthetic school i."""
    body = f"77{i:07d}"
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return body + str(sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11 % 10)


def seed_school(index: int) -> None:
    """Inside the school's schema: bulk rows, no password hashing."""
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import User
    from journal.register.models import Attendance, Lesson, PeriodMark
    from journal.roster.models import ClassMembership, Pupil
    from journal.structure import services as structure
    from journal.structure.models import ReportingPeriod, StaffMember

    unusable = "!"  # no password: nobody signs in to a synthetic school
    boss = User.objects.create(username="director", last_name="Директорова", password=unusable)
    boss.groups.add(*Group.objects.filter(name__in=["director", "teacher"]))
    teacher = StaffMember.objects.create(user=boss)
    today = timezone.localdate()
    start = today.year if today.month >= 9 else today.year - 1
    year = structure.academic_year_create(
        title=f"{start}/{start + 1}",
        starts_on=dt.date(start, 9, 1),
        ends_on=dt.date(start + 1, 8, 31),
        by=boss,
    )
    subjects = [structure.subject_create(title=t, by=boss) for t in ("Математика", "Русский язык")]
    for grade in (5, 9):
        cls = structure.class_group_create(year=year, grade=grade, letter="А", by=boss)
        period = ReportingPeriod.objects.filter(
            year=year, grade_from__lte=grade, grade_to__gte=grade
        ).order_by("starts_on")[0]
        users = User.objects.bulk_create(
            User(username=f"p{grade}_{i}", last_name=f"Ученик{i}", password=unusable)
            for i in range(PUPILS)
        )
        pupils = Pupil.objects.bulk_create(Pupil(user=u, class_group=cls) for u in users)
        ClassMembership.objects.bulk_create(
            ClassMembership(pupil=p, class_group=cls, date_from=year.starts_on) for p in pupils
        )
        for s, subject in enumerate(subjects):
            assignment = structure.teaching_assignment_create(
                teacher=teacher, subject=subject, class_group=cls, weekly_hours=Decimal(4), by=boss
            )
            PeriodMark.objects.bulk_create(
                PeriodMark(
                    pupil=p,
                    assignment=assignment,
                    period=period,
                    kind="period",
                    value=("5", "4", "4", "3", "2", "н/а")[(i + s + index) % 6],
                    entered_by=boss,
                )
                for i, p in enumerate(pupils[: PUPILS - (index + s) % 3])  # some without a mark
            )
            lessons = Lesson.objects.bulk_create(
                Lesson(
                    assignment=assignment,
                    date=period.starts_on + dt.timedelta(days=d),
                    slot=1 + s,
                    topic="Тема" if d % 2 else "",
                )
                for d in range(4)
            )
            Attendance.objects.bulk_create(
                Attendance(lesson=lessons[d], pupil=pupils[d], code="БУНО"[d], marked_by=boss)
                for d in range(4)
            )


def union_all_tallies(
    schemas: list[str], key: tuple[str, str, int]
) -> dict[tuple[int, str], Counter[str]]:
    """The same figures live: every school's class lists on the period's last day, left
    joined to its period marks, in one UNION ALL over the schemas."""
    from django.db import connection

    from journal.reports import definitions as d

    part = """
      SELECT cg.grade, su.title, pm.value, count(*) AS n
      FROM {s}.structure_reportingperiod rp
      JOIN {s}.structure_academicyear y ON y.id = rp.year_id AND y.title = %s
      JOIN {s}.structure_classgroup cg ON cg.year_id = y.id
           AND cg.grade BETWEEN rp.grade_from AND rp.grade_to
      JOIN {s}.roster_classmembership m ON m.class_group_id = cg.id
           AND m.date_from <= rp.ends_on AND (m.date_to IS NULL OR m.date_to >= rp.ends_on)
      JOIN {s}.structure_teachingassignment ta ON ta.class_group_id = cg.id
           AND ta.subgroup_id IS NULL
      JOIN {s}.structure_subject su ON su.id = ta.subject_id
      LEFT JOIN {s}.register_periodmark pm ON pm.pupil_id = m.pupil_id
           AND pm.assignment_id = ta.id AND pm.period_id = rp.id AND pm.kind = 'period'
      WHERE rp.kind = %s AND rp.number = %s
      GROUP BY cg.grade, su.title, pm.value"""
    sql = " UNION ALL ".join(part.format(s=f'"{s}"') for s in schemas)
    params: list[Any] = []
    for _ in schemas:
        params += list(key)
    sums: dict[tuple[int, str], Counter[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for grade, subject, value, n in cursor.fetchall():
            t = d.tally([value] * n)
            c = sums.setdefault((grade, subject), Counter())
            for f in ("pupils", "n5", "n4", "n3", "n2", "not_attested", "exempt"):
                c[f] += getattr(t, f)
    return sums


def main(n_schools: int, runs: int) -> dict[str, Any]:
    import django
    from django.core.management import call_command

    django.setup()
    from department.selectors import Filters, department_table, period_list
    from department.services import rollup_refresh
    from django.db import connection
    from django_tenants.utils import schema_context

    from core.tenancy import db
    from tenants.models import School
    from tenants.services import school_create

    call_command("platform_migrate", verbosity=0)
    started = time.perf_counter()
    schemas = []
    for i in range(n_schools):
        slug = f"bench-roll-{i:04d}"
        created = school_create(
            slug=slug, name=f"Школа {i}", short_name=f"Ш{i}", inn=inn(i),
            admin_email=f"{slug}@example.org",
        )  # fmt: skip
        schemas.append(created.school.schema_name)
        with schema_context(created.school.schema_name):
            seed_school(i)
    db.set_schema_to_public()
    seed_s = time.perf_counter() - started

    def refresh(schema: str) -> float:
        t0 = time.perf_counter()
        with schema_context(schema):
            rollup_refresh()
        connection.close() if not _main_thread() else None
        return time.perf_counter() - t0

    one = [refresh(schemas[0]) for _ in range(max(3, runs))]
    t0 = time.perf_counter()
    with ThreadPoolExecutor(WORKER_CONCURRENCY) as pool:
        list(pool.map(refresh, schemas))
    all_s = time.perf_counter() - t0
    db.set_schema_to_public()

    period = period_list()[0]
    filters = Filters(period=period, group=("grade", "subject"))
    year, kind, number = period.key.split(":")
    live = union_all_tallies(schemas, (year, kind, int(number)))
    table = department_table(filters=filters)
    shown = {(r.labels["grade"], r.labels["subject"]): r for r in table.rows}
    for key, counts in live.items():  # the same figures both ways
        figures = shown[key].figures
        assert all(
            figures[f] == counts[f] for f in ("pupils", "n5", "n4", "n3", "n2", "not_attested")
        ), key
    dashboard_ms = median_ms(lambda: department_table(filters=filters), runs)
    union_ms = median_ms(lambda: union_all_tallies(schemas, (year, kind, int(number))), runs)
    result = {
        "bench": "rollups",
        "schools": n_schools,
        "pupils_per_school": 2 * PUPILS,
        "seed_s": round(seed_s, 1),
        "dashboard_ms": round(dashboard_ms, 2),
        "union_all_ms": round(union_ms, 2),
        "ratio": round(dashboard_ms / union_ms, 4),
        "one_school_refresh_ms": round(statistics.median(one) * 1000, 1),
        "all_schools_refresh_s": round(all_s, 2),
        "worker_concurrency": WORKER_CONCURRENCY,
    }
    print(f"{n_schools} schools seeded in {seed_s:.1f} s")
    print(f"dashboard (grade × subject, from rollups): {dashboard_ms:.2f} ms")
    print(f"the same figures by UNION ALL over {n_schools} schemas: {union_ms:.2f} ms")
    print(f"ratio {result['ratio']} (target ≤ 0.05)")
    print(f"one school's refresh: {result['one_school_refresh_ms']} ms (median)")
    print(f"all {n_schools} schools, {WORKER_CONCURRENCY} at a time: {all_s:.2f} s")
    del School
    return result


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


if __name__ == "__main__":
    schools = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    _admin(f'CREATE DATABASE "{DB_NAME}"')
    os.environ["DATABASE_URL"] = _with_db(BASE_URL, DB_NAME)
    try:
        figures = main(schools, runs)
    finally:
        from django.db import connections

        connections.close_all()
        _admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    print(json.dumps(figures))
