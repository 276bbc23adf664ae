"""The journal grid and the bulk save keep a fixed query budget whatever the class size."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from journal.register.models import Mark
from journal.register.selectors import journal_grid
from tests.journal.conftest import World
from tests.journal.fill import fill_journal


def _grid_queries(world: World) -> int:
    with CaptureQueriesContext(connection) as ctx:
        grid = journal_grid(
            assignment_id=world.math5a.pk,
            period_id=world.period.pk,
            for_user=world.users["teacher"],
        )
    assert grid.pupils and grid.lessons
    return len(ctx.captured_queries)


def test_grid_query_count_does_not_grow_with_size(world: World, school1: Any) -> None:
    """5 pupils × 5 lessons and 30 × 60: the same number of SQL queries."""
    with schema_context("school1"):
        fill_journal(world, pupils=5, lessons=5)
        small = _grid_queries(world)
        fill_journal(world, pupils=30, lessons=60)
        grid = journal_grid(
            assignment_id=world.math5a.pk,
            period_id=world.period.pk,
            for_user=world.users["teacher"],
        )
        assert len(grid.pupils) == 30 and len(grid.lessons) >= 60
        large = _grid_queries(world)
    assert small == large, (small, large)


def test_saving_30_marks_takes_at_most_6_queries_plus_audit(world: World) -> None:
    """One request, 30 marks: ≤ 6 queries + the audit insert.

    Counted: the scope, the lesson, the class list, the INSERT, and the SAVEPOINT/RELEASE
    pair that @transaction.atomic issues inside the test's transaction (in production it is
    BEGIN/COMMIT, not logged). Not counted: django-tenants' `SET search_path` when the
    request switches to the school, which is the tenancy layer's, not the journal's.
    """
    with schema_context("school1"):
        fill_journal(world, pupils=30, lessons=5)
    client = world.client("teacher")
    url = f"/api/v1/register/lessons/{world.lesson_today.pk}/marks/"
    warm = client.post(
        url,
        {"marks": [{"pupil_id": world.pupils[0].pk, "value": 5, "work_kind": "oral"}]},
        format="json",
    )
    assert warm.status_code == 201
    body = {"marks": [{"pupil_id": p.pk, "value": 4, "work_kind": "test"} for p in world.pupils]}
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, body, format="json")
    assert response.status_code == 201, response.json()
    sqls = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith("SET search_path")]
    audit = [q for q in sqls if "audit_accesslog" in q]
    assert len(audit) == 1
    assert len(sqls) - len(audit) <= 6, sqls
    assert len(response.json()) == 30


def test_failed_bulk_save_writes_nothing_and_errors_in_russian(world: World) -> None:
    client = world.client("teacher")
    url = f"/api/v1/register/lessons/{world.lesson_today.pk}/marks/"
    body = {
        "marks": [
            {"pupil_id": world.pupils[0].pk, "value": 5, "work_kind": "oral"},
            {"pupil_id": world.pupils[1].pk, "value": 6, "work_kind": "oral"},
            {"pupil_id": world.other_pupil.pk, "value": 4, "work_kind": "oral"},
        ]
    }
    response = client.post(url, body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "Отметка 6 недопустима" in errors["marks[1]"][0]
    assert "нет в списке" in errors["marks[2]"][0]
    with schema_context("school1"):
        assert not Mark.objects.exists()


def test_bad_input_on_write_endpoints_is_400_in_russian(world: World) -> None:
    """Missing/invalid fields: 400 with field errors in Russian, nothing written."""
    cases = [
        ("deputy", "/api/v1/structure/classes/create/", {"grade": "x"}),
        ("deputy", "/api/v1/structure/timetable/create/", {"weekday": 9}),
        ("secretary", "/api/v1/roster/pupils/create/", {"last_name": ""}),
        ("teacher", f"/api/v1/register/lessons/{world.lesson_today.pk}/marks/", {"marks": []}),
        ("teacher", f"/api/v1/register/lessons/{world.lesson_today.pk}/attendance/", {}),
        ("deputy", "/api/v1/planning/curriculum/", {"grade": 5}),
        ("teacher", "/api/v1/register/period-marks/create/", {"kind": "вдруг"}),
        ("deputy", "/api/v1/structure/breaks/create/", {"starts_on": "31.02.2025"}),
    ]
    for persona, url, body in cases:
        response = world.client(persona).post(url, body, format="json")
        assert response.status_code == 400, (url, response.content)
        payload = response.json()
        assert payload["detail"] == "Проверьте введённые данные."
        text = str(payload["errors"])
        assert any("а" <= ch <= "я" for ch in text.lower()), (url, text)
