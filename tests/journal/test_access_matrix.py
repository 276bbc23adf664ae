"""ROLE-1..3 access matrix: every journal API endpoint × every role → allowed or denied.

Allowed: a 2xx answer (with data, for reads). Denied: the one code the access rule gives
each endpoint × persona (`refusal`): 403 from a role gate or the learners' guard, 404 for
an object outside the user's scope, 200 with an empty list for a list the scope filters.
Pupils never succeed at a write (ROLE-2). A director of another school, on their own host
with this school's ids, never gets this school's data (TEN-3); a token of another school
does not authenticate here at all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.test import APIClient

from journal.register.models import Attendance, Mark
from journal.roster.models import Guardian
from journal.structure.models import StaffMember, TimetableEntry
from tests import clock
from tests.world import World, school2_client

PERSONAS = [
    "director",
    "deputy",
    "journal_admin",
    "secretary",
    "teacher",  # teaches math in 5А (the subject of the lessons below)
    "other_teacher",  # teaches Russian in 5Б
    "class_teacher",  # class teacher of 5А
    "substitute",  # granted lesson_subst by the deputy
    "substitute_no_grant",
    "pupil",  # pupils[0] of 5А, consent recorded
    "parent",  # parent of pupils[0]
    "other_parent",  # parent of the pupil in 5Б
]
STRUCTURE = {"director", "deputy", "journal_admin"}
ROSTER = {"director", "deputy", "journal_admin", "secretary"}
SEES_5A_PUPILS = ROSTER | {"teacher", "class_teacher", "pupil", "parent"}
READS_MATH_5A = {"director", "deputy", "teacher", "class_teacher"}
ALL_STAFF = ROSTER | {
    "teacher",
    "other_teacher",
    "class_teacher",
    "substitute",
    "substitute_no_grant",
}


@dataclass
class Endpoint:
    name: str
    method: str
    url: Callable[[World], str]
    allowed: set[str]
    payload: Callable[[World], Any] | None = None
    setup: Callable[[World], None] | None = None
    multipart: bool = False
    list_result: bool = False
    # The day the request is sent on, where the route depends on it (period marks open in
    # the period's last days); None: the run's day.
    day: Callable[[World], dt.date] | None = None
    # How a persona outside `allowed` is refused, the code's one rule (ROLE-1..3, see
    # `refusal`): None — a role gate (`require_roles`) answers before any object is
    # loaded, 403 for all; else the object is looked up in the persona's scope first:
    # outside it `outside` (404, or 200 with an empty list for a list the scope filters),
    # inside it (`sees`) but the role may not act on it, 403.
    outside: int | None = None
    sees: set[str] = field(default_factory=set)

    def call(self, client: APIClient, world: World) -> Response:
        with schema_context("school1"):
            url = self.url(world)
            data = self.payload(world) if self.payload else {}
        with clock.on(self.day(world)) if self.day else contextlib.nullcontext():
            if self.method == "get":
                return client.get(url)
            if self.multipart:
                return client.post(url, data, format="multipart")
            return client.post(url, data, format="json")


def staff_id(world: World, persona: str) -> int:
    return StaffMember.objects.get(user=world.users[persona]).pk


def add_timetable(world: World) -> None:
    TimetableEntry.objects.create(
        year=world.year,
        assignment=world.math5a,
        teacher_id=world.math5a.teacher_id,
        class_group=world.class5a,
        weekday=1,
        slot=1,
        room="12",
    )


def add_curriculum(world: World) -> None:
    from journal.planning.models import CurriculumLine

    CurriculumLine.objects.create(year=world.year, grade=5, subject=world.math, hours_per_year=3)


def plan_file(world: World) -> dict[str, Any]:
    content = "№;Тема;Часы;Дата\n1;Натуральные числа;2;\n2;Дроби;1;\n".encode()
    f = io.BytesIO(content)
    f.name = "ktp.csv"
    return {"file": f}


def add_mark(world: World) -> None:
    Mark.objects.create(
        lesson=world.lesson_today,
        pupil=world.pupils[0],
        value=3,
        work_kind_id=_kind_id(),
        weight=1,
        entered_by=world.users["teacher"],
    )


def add_mark_under_corrections(world: World) -> None:
    """A mark in a school whose regulation allows audited corrections (the seeded default
    forbids them: 004 §8.6)."""
    from tests.catalog.adopt import adopt_rules

    adopt_rules("school1", correction={"allowed": True})
    add_mark(world)


def _own_push_endpoint(world: World) -> None:
    from journal.messaging.models import PushEndpoint

    PushEndpoint.objects.create(
        user=world.users["parent"],
        endpoint="http://127.0.0.1:9/push/own",
        p256dh="B" + "A" * 86,
        auth="A" * 22,
    )


def add_order(world: World) -> None:
    from journal.structure.models import SchoolOrder

    SchoolOrder.objects.create(
        kind=SchoolOrder.Kind.SCHEDULE,
        number="130-о",
        signed_on=world.today,
        title="О карантине",
        in_force_from=world.today,
        recorded_by=world.users["director"],
    )


def _default_version_id() -> int:
    from catalog.models import SchoolAdoption

    return int(SchoolAdoption.objects.get(school__schema_name="school1").regulation_version_id)


def add_coming_year(world: World) -> None:
    """A year that has not started, and the operator's calendar for it (TPL-2)."""
    from catalog.models import PeriodCalendar, SchoolAdoption
    from journal.structure.models import AcademicYear

    scheme = SchoolAdoption.objects.get(school__schema_name="school1").period_scheme
    assert scheme is not None
    seeded = PeriodCalendar.objects.get(scheme=scheme, start_year=2026)

    def move(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
        later = {"start", "end"}  # the seeded 2026/2027 dates, fourteen years on
        return [
            {k: str(int(v[:4]) + 14) + v[4:] if k in later else v for k, v in s.items()}
            for s in spans
        ]

    PeriodCalendar.objects.create(
        scheme=scheme,
        start_year=2040,
        periods={kind: move(spans) for kind, spans in seeded.periods.items()},
        holidays=move(seeded.holidays),
    )
    AcademicYear.objects.create(
        title="2040/2041", starts_on=dt.date(2040, 9, 1), ends_on=dt.date(2041, 8, 31)
    )


def _coming_year_id() -> int:
    from journal.structure.models import AcademicYear

    return int(AcademicYear.objects.get(title="2040/2041").pk)


def _kind_id() -> int:
    from journal.register.models import WorkKind

    return WorkKind.objects.get(code="oral").pk


def add_absence(world: World) -> None:
    Attendance.objects.create(
        lesson=world.lesson_today, pupil=world.pupils[0], code="Н", marked_by=world.users["teacher"]
    )


def transfer_package(world: World) -> dict[str, Any]:
    user = world.pupils[1].user
    payload = {
        "package_id": "p-" + str(world.pupils[1].pk),
        "source_schema": "school2",
        "source_school": "МБОУ «Гимназия № 2»",
        "exported_at": timezone.now().isoformat(),
        "pupil": {"last_name": user.last_name, "first_name": user.first_name},
        "marks": [
            {
                "subject": "Математика",
                "date": world.today.isoformat(),
                "value": "5",
                "work_kind": "Ответ на уроке",
                "weight": 1,
                "kind": "lesson",
            }
        ],
        "absences": [],
    }
    return {"package": signing.dumps(payload, salt=settings.JOURNAL_TRANSFER_SALT)}


def add_subgroups(world: World) -> None:
    from journal.structure.models import Subgroup

    for title in ("1-я группа", "2-я группа"):
        Subgroup.objects.create(class_group=world.class5a, subject=world.pe, title=title)


def split_payload(world: World) -> dict[str, Any]:
    from journal.structure.models import Subgroup

    first, second = Subgroup.objects.filter(class_group=world.class5a).order_by("title")
    half = len(world.pupils) // 2
    return {
        "subject_id": world.pe.pk,
        "subgroups": [
            {"subgroup_id": first.pk, "pupil_ids": [p.pk for p in world.pupils[:half]]},
            {"subgroup_id": second.pk, "pupil_ids": [p.pk for p in world.pupils[half:]]},
        ],
    }


def add_homework_file(world: World) -> None:
    from journal.register.models import HomeworkAttachment

    # A row is enough for the list (nothing reads the file itself here).
    HomeworkAttachment.objects.create(
        lesson=world.lesson_today,
        file=f"school1/homework/{world.lesson_today.pk}/matrix",
        original_name="задание.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        uploaded_by=world.users["teacher"],
    )


def homework_upload(world: World) -> dict[str, Any]:
    f = io.BytesIO(b"%PDF-1.4\n% homework\n")
    f.name = "задание.pdf"
    return {"file": f}


WHOLE_SCHOOL_HEADS = {"director", "deputy"}


def _report_query(world: World, code: str) -> str:
    return (
        f"form={code}&class_group_id={world.class5a.pk}&period_id={world.period.pk}"
        f"&academic_year_id={world.year.pk}"
    )


def add_report_job(world: World) -> None:
    """A whole-school job of the deputy's with one (small, hand-made) file."""
    import hashlib

    from journal.reports.jobs import report_job_start
    from journal.reports.models import GeneratedReport, ReportJobFile

    job, _ = report_job_start(kind="paper_copies", by=world.users["deputy"], period=world.period)
    content = b"%PDF-1.4\n% a paper copy\n"
    report = GeneratedReport.objects.create(
        form_code="journal-paper-copy",
        form_version=0,
        parameters={"class_group": world.class5a.pk, "period": world.period.pk},
        format="pdf",
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=content,
        created_by=world.users["deputy"],
    )
    world.extra["report_job"] = job
    world.extra["report_job_file"] = ReportJobFile.objects.create(
        job=job, unit=world.class5a.pk, title="5А.pdf", report=report, pupil_ids=[1]
    )


B = "/api/v1/"
ENDPOINTS = [
    Endpoint(
        "class-list",
        "get",
        lambda w: B + "structure/classes/",
        ALL_STAFF - {"substitute", "substitute_no_grant"},
        list_result=True,
        outside=200,
    ),
    Endpoint(
        "class-create",
        "post",
        lambda w: B + "structure/classes/create/",
        STRUCTURE,
        payload=lambda w: {"year_id": w.year.pk, "grade": 7, "letter": "В"},
    ),
    Endpoint(
        "subject-create",
        "post",
        lambda w: B + "structure/subjects/create/",
        STRUCTURE,
        payload=lambda w: {"title": "Астрономия"},
    ),
    Endpoint(
        "staff-create",
        "post",
        lambda w: B + "structure/staff/create/",
        ROSTER,
        payload=lambda w: {
            "username": "newteacher",
            "last_name": "Новикова",
            "first_name": "Анна",
            "roles": ["teacher"],
        },
    ),
    Endpoint(
        "assignment-create",
        "post",
        lambda w: B + "structure/assignments/create/",
        STRUCTURE,
        payload=lambda w: {
            "teacher_id": staff_id(w, "other_teacher"),
            "subject_id": w.math.pk,
            "class_group_id": w.class5b.pk,
            "weekly_hours": "4",
        },
    ),
    Endpoint(
        "timetable",
        "get",
        lambda w: B + f"structure/timetable/?class_group_id={w.class5a.pk}",
        ALL_STAFF | {"pupil", "parent"},
        setup=add_timetable,
        list_result=True,
        outside=200,
    ),
    Endpoint(
        "timetable-create",
        "post",
        lambda w: B + "structure/timetable/create/",
        STRUCTURE,
        payload=lambda w: {
            "assignment_id": w.russian5b.pk,
            "weekday": 2,
            "slot": 3,
            "room": "21",
        },
    ),
    Endpoint(
        "break-create",
        "post",
        lambda w: B + "structure/breaks/create/",
        STRUCTURE,
        payload=lambda w: {
            "year_id": w.year.pk,
            "kind": "quarantine",
            "title": "Карантин по гриппу",
            "starts_on": w.today.isoformat(),
            "ends_on": w.today.isoformat(),
            "class_group_ids": [w.class5a.pk],
        },
    ),
    Endpoint(
        "pupil-list",
        "get",
        lambda w: B + f"roster/pupils/?class_group_id={w.class5a.pk}",
        SEES_5A_PUPILS,
        list_result=True,
        outside=200,
    ),
    Endpoint(
        "pupil-detail",
        "get",
        lambda w: B + f"roster/pupils/{w.pupils[0].pk}/",
        SEES_5A_PUPILS,
        outside=404,
    ),
    Endpoint(
        "pupil-create",
        "post",
        lambda w: B + "roster/pupils/create/",
        ROSTER,
        payload=lambda w: {
            "last_name": "Новый",
            "first_name": "Олег",
            "class_group_id": w.class5a.pk,
            "enrolled_on": w.today.isoformat(),
            "order_number": "77-у",
        },
    ),
    Endpoint(
        "consent-create",
        "post",
        lambda w: B + f"roster/pupils/{w.pupils[1].pk}/consent/",
        ROSTER | {"class_teacher"},
        payload=lambda w: {"signed_on": w.today.isoformat(), "scan_reference": "scan/77.pdf"},
        outside=404,
        sees=SEES_5A_PUPILS,
    ),
    Endpoint(
        "guardian-link",
        "post",
        lambda w: B + f"roster/pupils/{w.pupils[1].pk}/guardians/",
        ROSTER | {"class_teacher"},
        payload=lambda w: {
            "guardian_id": Guardian.objects.get(user=w.users["other_parent"]).pk,
            "relation": "guardian",
        },
        outside=404,
        sees=SEES_5A_PUPILS,
    ),
    Endpoint(
        "movement-create",
        "post",
        lambda w: B + f"roster/pupils/{w.pupils[1].pk}/movements/",
        ROSTER,
        payload=lambda w: {
            "kind": "moved",
            "on_date": w.today.isoformat(),
            "order_number": "80-у",
            "class_to_id": w.class5b.pk,
        },
        outside=404,
        sees=SEES_5A_PUPILS,
    ),
    Endpoint(
        "class-list-on",
        "get",
        lambda w: B + f"roster/classes/{w.class5a.pk}/list/?on={w.today.isoformat()}",
        ROSTER | {"teacher", "class_teacher"},
        outside=404,
    ),
    Endpoint(
        "curriculum-save",
        "post",
        lambda w: B + "planning/curriculum/",
        STRUCTURE,
        payload=lambda w: {
            "year_id": w.year.pk,
            "grade": 5,
            "subject_id": w.math.pk,
            "hours_per_year": 136,
        },
    ),
    Endpoint(
        "plan-import",
        "post",
        lambda w: B + f"planning/assignments/{w.math5a.pk}/plan/import/",
        {"director", "deputy", "teacher"},
        payload=plan_file,
        setup=add_curriculum,
        multipart=True,
        outside=404,
        sees=READS_MATH_5A,
    ),
    Endpoint(
        "coverage",
        "get",
        lambda w: B + f"planning/assignments/{w.math5a.pk}/coverage/",
        READS_MATH_5A,
        outside=404,
    ),
    Endpoint(
        "lessons-generate",
        "post",
        lambda w: B + f"register/periods/{w.period.pk}/lessons/generate/",
        STRUCTURE,
        setup=add_timetable,
    ),
    Endpoint(
        "lesson-list",
        "get",
        lambda w: B + f"register/assignments/{w.math5a.pk}/lessons/",
        READS_MATH_5A,
        list_result=True,
        outside=404,
    ),
    Endpoint(
        "lesson-update",
        "post",
        lambda w: B + f"register/lessons/{w.lesson_today.pk}/update/",
        {"teacher"},
        payload=lambda w: {"topic": "Сложение дробей", "homework": "№ 5"},
        outside=404,
        sees=READS_MATH_5A,
    ),
    Endpoint(
        "substitution-grant",
        "post",
        lambda w: B + f"register/lessons/{w.lesson_today.pk}/substitution/",
        {"director", "deputy"},
        payload=lambda w: {
            "substitute_id": staff_id(w, "substitute_no_grant"),
            "reason": "Больничный основного учителя",
        },
        outside=404,
        sees=READS_MATH_5A,
    ),
    Endpoint(
        "homework-file-list",
        "get",
        lambda w: B + f"register/lessons/{w.lesson_today.pk}/files/",
        READS_MATH_5A | {"pupil", "parent"},
        setup=add_homework_file,
        list_result=True,
        outside=404,
    ),
    Endpoint(
        "homework-file-upload",
        "post",
        lambda w: B + f"register/lessons/{w.lesson_today.pk}/files/upload/",
        {"teacher"},
        payload=homework_upload,
        multipart=True,
        outside=404,
        sees=READS_MATH_5A,
    ),
    Endpoint(
        "marks-save",
        "post",
        lambda w: B + f"register/lessons/{w.lesson_today.pk}/marks/",
        {"teacher"},
        payload=lambda w: {
            "marks": [{"pupil_id": p.pk, "value": 4, "work_kind": "oral"} for p in w.pupils]
        },
        outside=404,
        sees=READS_MATH_5A,
    ),
    Endpoint(
        "marks-save-substituted",
        "post",
        lambda w: B + f"register/lessons/{w.lesson_subst.pk}/marks/",
        {"teacher", "substitute"},
        payload=lambda w: {
            "marks": [{"pupil_id": w.pupils[0].pk, "value": 5, "work_kind": "oral"}]
        },
        outside=404,
        sees=READS_MATH_5A,
    ),
    Endpoint(
        "attendance-save",
        "post",
        lambda w: B + f"register/lessons/{w.lesson_today.pk}/attendance/",
        {"teacher"},
        payload=lambda w: {"entries": [{"pupil_id": w.pupils[0].pk, "code": "Н"}]},
        outside=404,
        sees=READS_MATH_5A,
    ),
    Endpoint(
        "mark-correct",
        "post",
        lambda w: B + f"register/marks/{Mark.objects.get().pk}/correct/",
        {"director", "deputy"},
        payload=lambda w: {"new_value": 4, "reason": "Ошибка ввода"},
        setup=add_mark_under_corrections,
        outside=404,
        sees=READS_MATH_5A,
    ),
    Endpoint(
        "attendance-reason",
        "post",
        lambda w: B + f"register/attendance/{Attendance.objects.get().pk}/reason/",
        {"director", "deputy", "class_teacher"},
        payload=lambda w: {"code": "Б", "note": "справка"},
        setup=add_absence,
        outside=404,
    ),
    Endpoint(
        "grid",
        "get",
        lambda w: B + f"register/grid/?assignment_id={w.math5a.pk}&period_id={w.period.pk}",
        READS_MATH_5A,
        outside=404,
    ),
    Endpoint(
        "pupil-progress",
        "get",
        lambda w: B + f"register/pupils/{w.pupils[0].pk}/progress/?period_id={w.period.pk}",
        SEES_5A_PUPILS,
        outside=404,
    ),
    Endpoint(
        "accumulation",
        "get",
        lambda w: B + f"register/accumulation/?assignment_id={w.math5a.pk}&period_id={w.period.pk}",
        READS_MATH_5A,
        list_result=True,
        outside=404,
    ),
    Endpoint(
        "attendance-daily",
        "get",
        lambda w: B + f"register/classes/{w.class5a.pk}/attendance/?date={w.today.isoformat()}",
        {"director", "deputy", "class_teacher"},
        list_result=True,
        outside=404,
    ),
    Endpoint(
        "period-mark-create",
        "post",
        lambda w: B + "register/period-marks/create/",
        {"teacher"},
        payload=lambda w: {
            "pupil_id": w.pupils[0].pk,
            "assignment_id": w.math5a.pk,
            "period_id": w.period.pk,
            "kind": "period",
            "value": "4",
        },
        day=lambda w: w.period.ends_on - dt.timedelta(days=3),
        outside=404,
        sees=READS_MATH_5A,
    ),
    Endpoint(
        "pe-exemption-create",
        "post",
        lambda w: B + "register/pe-exemptions/create/",
        {"director", "deputy", "class_teacher"},
        payload=lambda w: {
            "pupil_id": w.pupils[0].pk,
            "starts_on": w.today.isoformat(),
            "ends_on": w.today.isoformat(),
            "document": "Справка № 1",
        },
        outside=404,
        sees=SEES_5A_PUPILS,
    ),
    Endpoint("access-log", "get", lambda w: B + "audit/log/", {"director"}, list_result=True),
    Endpoint(
        "transfer-export",
        "post",
        lambda w: B + f"transfer/pupils/{w.pupils[0].pk}/export/",
        ROSTER,
        outside=404,
        sees=SEES_5A_PUPILS,
    ),
    Endpoint(
        "transfer-import",
        "post",
        lambda w: B + f"transfer/pupils/{w.pupils[1].pk}/import/",
        ROSTER,
        payload=transfer_package,
        outside=404,
        sees=SEES_5A_PUPILS,
    ),
    Endpoint(
        "transfer-records",
        "get",
        lambda w: B + f"transfer/pupils/{w.pupils[0].pk}/records/",
        SEES_5A_PUPILS,
        outside=404,
    ),
    Endpoint("year-list", "get", lambda w: B + "structure/years/", ALL_STAFF, list_result=True),
    Endpoint(
        "order-list",
        "get",
        lambda w: B + "structure/orders/",
        ALL_STAFF,
        setup=add_order,
        list_result=True,
    ),
    Endpoint(
        "regulation-order-create",
        "post",
        lambda w: B + "structure/orders/regulation/create/",
        {"director", "journal_admin"},
        payload=lambda w: {
            "regulation_version_id": _default_version_id(),
            "number": "45-о",
            "signed_on": w.today.isoformat(),
        },
    ),
    Endpoint(
        "schedule-order-create",
        "post",
        lambda w: B + "structure/orders/schedule/create/",
        {"director", "journal_admin"},
        payload=lambda w: {
            "number": "131-о",
            "signed_on": w.today.isoformat(),
            "title": "О переносе каникул",
        },
    ),
    Endpoint(
        "year-periods-rederive",
        "post",
        lambda w: B + f"structure/years/{_coming_year_id()}/periods/rederive/",
        STRUCTURE,
        setup=add_coming_year,
    ),
    Endpoint(
        "year-create",
        "post",
        lambda w: B + "structure/years/create/",
        STRUCTURE,
        payload=lambda w: {
            "title": "2031/2032",
            "starts_on": "2031-09-01",
            "ends_on": "2032-05-31",
            "make_current": False,
            # No calendar of 2031 from the operator yet: the periods are given here.
            "periods": [
                {"kind": "quarter", "number": 1, "starts_on": "2031-09-01", "ends_on": "2032-05-31"}
            ],
        },
    ),
    Endpoint(
        "bell-schedule-set",
        "post",
        lambda w: B + f"structure/years/{w.year.pk}/bells/",
        STRUCTURE,
        payload=lambda w: {
            "slots": [
                {"number": 1, "starts_at": "08:30", "ends_at": "09:15"},
                {"number": 2, "starts_at": "09:25", "ends_at": "10:10"},
            ]
        },
    ),
    Endpoint(
        "class-teacher-set",
        "post",
        lambda w: B + f"structure/classes/{w.class5a.pk}/class-teacher/",
        STRUCTURE,
        payload=lambda w: {"teacher_id": staff_id(w, "other_teacher")},
        outside=404,
        sees=SEES_5A_PUPILS,
    ),
    Endpoint(
        "subgroup-list",
        "get",
        lambda w: B + f"structure/classes/{w.class5a.pk}/subgroups/",
        ROSTER | {"teacher", "class_teacher"},
        setup=add_subgroups,
        list_result=True,
        outside=404,
    ),
    Endpoint(
        "subgroup-create",
        "post",
        lambda w: B + "structure/subgroups/create/",
        STRUCTURE,
        payload=lambda w: {
            "class_group_id": w.class5a.pk,
            "subject_id": w.pe.pk,
            "title": "Девочки",
        },
    ),
    Endpoint(
        "subgroup-split",
        "post",
        lambda w: B + f"structure/classes/{w.class5a.pk}/subgroups/split/",
        STRUCTURE,
        setup=add_subgroups,
        payload=split_payload,
        outside=404,
        sees=SEES_5A_PUPILS,
    ),
    Endpoint(
        "guardian-create",
        "post",
        lambda w: B + "roster/guardians/create/",
        ROSTER | {"class_teacher"},
        payload=lambda w: {"last_name": "Новикова", "first_name": "Мария", "phone": "+7 900 1"},
    ),
    Endpoint(
        "work-kind-list", "get", lambda w: B + "register/work-kinds/", ALL_STAFF, list_result=True
    ),
    Endpoint(
        "work-kind-save",
        "post",
        lambda w: B + "register/work-kinds/save/",
        STRUCTURE,
        payload=lambda w: {"code": "project", "title": "Проект", "weight": 3},
    ),
]


def year_mark_due_soon(world: World) -> None:
    """The year ends in five days (final marks are open) and pupils[0] has a year mark."""
    import datetime as dt

    from journal.register.models import PeriodMark
    from journal.structure.models import AcademicYear

    AcademicYear.objects.filter(pk=world.year.pk).update(ends_on=world.today + dt.timedelta(days=5))
    PeriodMark.objects.create(
        pupil=world.pupils[0],
        assignment=world.math5a,
        kind="year",
        value="4",
        entered_by=world.users["teacher"],
    )


# Issue 10: period, year, exam and final marks (MRK-3), the diary by year (DIA-2, DIA-6).
ENDPOINTS += [
    Endpoint(
        "period-sheet",
        "get",
        lambda w: B + f"register/period-sheet/?assignment_id={w.math5a.pk}&period_id={w.period.pk}",
        READS_MATH_5A,
        outside=404,
    ),
    Endpoint(
        "period-marks-save",
        "post",
        lambda w: B + "register/period-sheet/save/",
        {"teacher"},
        payload=lambda w: {
            "assignment_id": w.math5a.pk,
            "period_id": w.period.pk,
            "kind": "period",
            "marks": [{"pupil_id": p.pk, "value": "4"} for p in w.pupils[:2]],
        },
        day=lambda w: w.period.ends_on - dt.timedelta(days=3),
        outside=404,
        sees=READS_MATH_5A,
    ),
    Endpoint(
        "year-sheet",
        "get",
        lambda w: B + f"register/year-sheet/?assignment_id={w.math5a.pk}",
        READS_MATH_5A,
        outside=404,
    ),
    Endpoint(
        "final-marks-confirm",
        "post",
        lambda w: B + f"register/assignments/{w.math5a.pk}/final-marks/confirm/",
        {"teacher"},
        payload=lambda w: {"pupil_ids": [w.pupils[0].pk]},
        setup=year_mark_due_soon,
        outside=404,
        sees=READS_MATH_5A,
    ),
    Endpoint(
        "mark-deadline-list",
        "get",
        lambda w: B + f"register/years/{w.year.pk}/mark-deadlines/",
        ALL_STAFF,
        list_result=True,
    ),
    Endpoint(
        "mark-deadline-set",
        "post",
        lambda w: B + f"register/years/{w.year.pk}/mark-deadlines/set/",
        {"director", "deputy"},
        payload=lambda w: {
            "kind": "period",
            "period_id": w.period.pk,
            "due_on": w.period.ends_on.isoformat(),
            "order_number": "45-о",
            "order_date": w.today.isoformat(),
        },
    ),
    Endpoint(
        "pupil-year-marks",
        "get",
        lambda w: B + f"register/pupils/{w.pupils[0].pk}/year-marks/",
        SEES_5A_PUPILS,
        outside=404,
    ),
]


# Issue 10: the substitution journal (ROLE-5).
ENDPOINTS += [
    Endpoint(
        "substitution-journal",
        "get",
        lambda w: B + "register/substitutions/",
        {"director", "deputy", "teacher", "substitute"},
        list_result=True,
        outside=200,
    ),
]


def year_closed(world: World) -> None:
    from journal.yearend.models import YearClosing

    YearClosing.objects.create(
        year=world.year,
        order_number="101-о",
        order_date=world.today,
        closed_by=world.users["director"],
    )


# Issue 10: closing the year (YEAR-1).
ENDPOINTS += [
    Endpoint(
        "year-close-check",
        "get",
        lambda w: B + f"yearend/years/{w.year.pk}/check/",
        {"director", "deputy"},
        outside=404,
    ),
    Endpoint(
        "year-close",
        "post",
        lambda w: B + f"yearend/years/{w.year.pk}/close/",
        {"director", "deputy"},
        payload=lambda w: {
            "next_title": "2031/2032",
            "next_starts_on": "2031-09-01",
            "next_ends_on": "2032-05-31",
            "order_number": "101-о",
            "order_date": w.today.isoformat(),
        },
        # The day after the world's year ends: every period is over, so it may close.
        day=lambda w: w.year.ends_on + dt.timedelta(days=1),
        outside=404,
    ),
    Endpoint(
        "year-closing",
        "get",
        lambda w: B + f"yearend/years/{w.year.pk}/closing/",
        {"director", "deputy"},
        setup=year_closed,
        outside=404,
    ),
]


def add_remark(world: World) -> None:
    from journal.control.models import Remark

    Remark.objects.create(
        assignment=world.math5a,
        text="Не заполнена тема",
        written_by=world.users["deputy"],
        due_on=world.today,
    )


def _remark_id() -> int:
    from journal.control.models import Remark

    return Remark.objects.get().pk


# Issue 10: remarks on keeping the journal (CTL-1).
ENDPOINTS += [
    Endpoint(
        "remark-list",
        "get",
        lambda w: B + "control/remarks/",
        {"director", "deputy", "teacher"},
        setup=add_remark,
        list_result=True,
        outside=200,
    ),
    Endpoint(
        "remark-create",
        "post",
        lambda w: B + "control/remarks/create/",
        {"director", "deputy"},
        payload=lambda w: {"assignment_id": w.math5a.pk, "text": "Нет домашнего задания"},
        outside=404,
        sees=READS_MATH_5A,
    ),
    Endpoint(
        "remark-mend",
        "post",
        lambda w: B + f"control/remarks/{_remark_id()}/mend/",
        {"teacher"},
        payload=lambda w: {"note": "Тема внесена"},
        setup=add_remark,
        outside=404,
        sees=WHOLE_SCHOOL_HEADS,
    ),
    Endpoint(
        "remark-summary",
        "get",
        lambda w: B + "control/remarks/summary/",
        {"director", "deputy"},
        setup=add_remark,
        list_result=True,
        outside=404,
    ),
]


def add_attestation(world: World) -> None:
    import datetime as dt

    from journal.attestation.models import AttestationEvent, AttestationResult, ControlWork

    ControlWork.objects.create(
        assignment=world.math5a,
        kind="test",
        planned_on=world.today,
        agreed_by=world.users["deputy"],
    )
    event = AttestationEvent.objects.create(
        assignment=world.math5a,
        form="control",
        held_on=world.today - dt.timedelta(days=1),
        created_by=world.users["deputy"],
    )
    AttestationResult.objects.create(
        event=event, pupil=world.pupils[0], value="4", entered_by=world.users["teacher"]
    )


def _event_id() -> int:
    from journal.attestation.models import AttestationEvent

    return AttestationEvent.objects.get().pk


# Issue 10: intermediate attestation and the control works schedule (YEAR-2).
ENDPOINTS += [
    Endpoint(
        "control-work-check",
        "get",
        lambda w: B + "attestation/control-works/",
        READS_MATH_5A,
        setup=add_attestation,
        list_result=True,
        outside=200,
    ),
    Endpoint(
        "control-work-create",
        "post",
        lambda w: B + "attestation/control-works/create/",
        {"director", "deputy"},
        payload=lambda w: {
            "assignment_id": w.math5a.pk,
            "kind": "lab",
            "planned_on": w.today.isoformat(),
            "topic": "Измерение площади",
        },
        outside=404,
        sees=READS_MATH_5A,
    ),
    Endpoint(
        "attestation-list",
        "get",
        lambda w: B + "attestation/events/",
        READS_MATH_5A,
        setup=add_attestation,
        list_result=True,
        outside=200,
    ),
    Endpoint(
        "attestation-create",
        "post",
        lambda w: B + "attestation/events/create/",
        {"director", "deputy"},
        payload=lambda w: {
            "assignment_id": w.math5a.pk,
            "form": "testing",
            "held_on": w.today.isoformat(),
        },
        outside=404,
        sees=READS_MATH_5A,
    ),
    Endpoint(
        "attestation-detail",
        "get",
        lambda w: B + f"attestation/events/{_event_id()}/",
        READS_MATH_5A,
        setup=add_attestation,
        outside=404,
    ),
    Endpoint(
        "attestation-results-save",
        "post",
        lambda w: B + f"attestation/events/{_event_id()}/results/",
        {"teacher"},
        payload=lambda w: {"results": [{"pupil_id": w.pupils[1].pk, "value": "5"}]},
        setup=add_attestation,
        outside=404,
        sees=READS_MATH_5A,
    ),
    Endpoint(
        "pupil-attestation-results",
        "get",
        lambda w: B + f"attestation/pupils/{w.pupils[0].pk}/results/",
        SEES_5A_PUPILS,
        setup=add_attestation,
        list_result=True,
        outside=404,
    ),
    # reports (issue #12; REP-1, REP-3, REP-5): the heads every report, the class teacher
    # their class, a teacher their subject; the whole-school jobs the heads only.
    Endpoint(
        "report-form-list",
        "get",
        lambda w: B + "reports/forms/",
        READS_MATH_5A | {"other_teacher"},
        list_result=True,
        outside=200,
    ),
    Endpoint(
        "report-run",
        "get",
        lambda w: B + "reports/run/?" + _report_query(w, "class-period-results"),
        READS_MATH_5A,
        outside=404,
    ),
    Endpoint(
        "report-pdf",
        "get",
        lambda w: B + "reports/pdf/?" + _report_query(w, "journal-paper-copy"),
        READS_MATH_5A,
        outside=404,
    ),
    Endpoint(
        "report-xlsx",
        "get",
        lambda w: B + "reports/xlsx/?" + _report_query(w, "summary-progress-sheet"),
        READS_MATH_5A,
        outside=404,
    ),
    Endpoint(
        "report-job-list",
        "get",
        lambda w: B + "reports/jobs/",
        WHOLE_SCHOOL_HEADS,
        setup=add_report_job,
        list_result=True,
        outside=200,
    ),
    Endpoint(
        "report-job-create",
        "post",
        lambda w: B + "reports/jobs/create/",
        WHOLE_SCHOOL_HEADS,
        payload=lambda w: {"kind": "paper_copies", "period_id": w.period.pk},
        outside=404,
    ),
    Endpoint(
        "report-job-detail",
        "get",
        lambda w: B + f"reports/jobs/{w.extra['report_job'].pk}/",
        WHOLE_SCHOOL_HEADS,
        setup=add_report_job,
        outside=404,
    ),
    Endpoint(
        "report-job-file",
        "get",
        lambda w: (
            B + f"reports/jobs/{w.extra['report_job'].pk}/files/{w.extra['report_job_file'].pk}/"
        ),
        WHOLE_SCHOOL_HEADS,
        setup=add_report_job,
        outside=404,
    ),
]


# Issue 16: messages, announcements, notification settings (COM-1, COM-2). The thread is
# the teacher's with the parent; the parent reported the teacher's message.
def add_thread(world: World) -> None:
    from journal.messaging import services as msg

    _, message = msg.thread_start(
        recipient_ids=[world.users["parent"].pk], body="Здравствуйте", by=world.users["teacher"]
    )
    msg.message_report(message=message, reason="Проверка", by=world.users["parent"])
    msg.announcement_create(
        title="Собрание",
        body="В четверг",
        class_group=None,
        for_parents=True,
        for_pupils=True,
        for_staff=True,
        publish_at=None,
        ends_at=None,
        by=world.users["director"],
    )


def _thread_id() -> int:
    from journal.messaging.models import Thread

    return Thread.objects.get().pk


def _message_id() -> int:
    from journal.messaging.models import Message

    return Message.objects.get().pk


def _report_id() -> int:
    from journal.messaging.models import MessageReport

    return MessageReport.objects.get().pk


IN_THREAD = {"teacher", "parent"}
EVERYONE = set(PERSONAS)
ENDPOINTS += [
    Endpoint(
        "messages-thread-list",
        "get",
        lambda w: B + "messages/threads/",
        IN_THREAD,
        setup=add_thread,
        list_result=True,
        outside=200,
    ),
    Endpoint(
        "messages-thread-start",
        "post",
        lambda w: B + "messages/threads/start/",
        # Who may write to the 5А class teacher (journal.messaging.policy).
        (ALL_STAFF - {"class_teacher"}) | {"pupil", "parent"},
        payload=lambda w: {"recipient_ids": [w.users["class_teacher"].pk], "body": "Вопрос"},
    ),
    Endpoint(
        "messages-thread-detail",
        "get",
        lambda w: B + f"messages/threads/{_thread_id()}/",
        IN_THREAD,
        setup=add_thread,
        outside=404,
    ),
    Endpoint(
        "messages-thread-reply",
        "post",
        lambda w: B + f"messages/threads/{_thread_id()}/reply/",
        IN_THREAD,
        setup=add_thread,
        payload=lambda w: {"body": "Ответ"},
        outside=404,
    ),
    Endpoint(
        "messages-thread-read",
        "post",
        lambda w: B + f"messages/threads/{_thread_id()}/read/",
        IN_THREAD,
        setup=add_thread,
        outside=404,
    ),
    Endpoint("messages-unread", "get", lambda w: B + "messages/unread/", EVERYONE),
    Endpoint(
        "messages-contacts",
        "get",
        lambda w: B + "messages/contacts/",
        EVERYONE,
        list_result=True,
    ),
    Endpoint(
        "messages-report",
        "post",
        lambda w: B + f"messages/messages/{_message_id()}/report/",
        {"parent"},  # the teacher's own message; the parent has reported it already
        setup=lambda w: thread_only(w),
        payload=lambda w: {"reason": "Грубость"},
        outside=404,
        sees=IN_THREAD,
    ),
    Endpoint(
        "messages-report-list",
        "get",
        lambda w: B + "messages/reports/",
        {"director", "deputy"},
        setup=add_thread,
        list_result=True,
    ),
    Endpoint(
        "messages-report-resolve",
        "post",
        lambda w: B + f"messages/reports/{_report_id()}/resolve/",
        {"director", "deputy"},
        setup=add_thread,
        payload=lambda w: {"resolution": "Нарушений нет"},
    ),
    Endpoint(
        "announcement-list",
        "get",
        lambda w: B + "announcements/",
        EVERYONE,
        setup=add_thread,
        list_result=True,
    ),
    Endpoint(
        "announcement-create",
        "post",
        lambda w: B + "announcements/create/",
        {"director", "deputy", "class_teacher"},
        payload=lambda w: {
            "title": "Экскурсия",
            "body": "В пятницу",
            "class_group_id": w.class5a.pk,
            "for_pupils": True,
        },
        outside=404,
        sees=SEES_5A_PUPILS,
    ),
    Endpoint(
        "notification-preferences",
        "get",
        lambda w: B + "notifications/preferences/",
        {"parent", "other_parent"},
        outside=404,
    ),
    Endpoint(
        "notification-preferences-set",
        "post",
        lambda w: B + "notifications/preferences/set/",
        {"parent", "other_parent"},
        payload=lambda w: {"email_consent": False, "email_enabled": True},
        outside=404,
    ),
    Endpoint(
        "notification-push-subscribe",
        "post",
        lambda w: B + "notifications/push/subscribe/",
        {"parent", "other_parent"},
        payload=lambda w: {
            "endpoint": "http://127.0.0.1:9/push/1",
            "p256dh": "B" + "A" * 86,  # 65 bytes in base64url
            "auth": "A" * 22,  # 16 bytes
        },
        outside=404,
    ),
    # Only the parent's own browser: the world's parent registered one in the setup.
    Endpoint(
        "notification-push-unsubscribe",
        "post",
        lambda w: B + "notifications/push/unsubscribe/",
        {"parent"},
        payload=lambda w: {"endpoint": "http://127.0.0.1:9/push/own"},
        setup=lambda w: _own_push_endpoint(w),
        outside=404,
    ),
]


def thread_only(world: World) -> None:
    from journal.messaging import services as msg

    msg.thread_start(
        recipient_ids=[world.users["parent"].pk], body="Здравствуйте", by=world.users["teacher"]
    )


def _has_data(response: Response, endpoint: Endpoint) -> bool:
    if not endpoint.list_result:
        return True
    body = response.json()  # type: ignore[attr-defined]
    items = body.get("results", []) if isinstance(body, dict) else body
    return len(items) > 0


def test_every_journal_route_is_in_the_matrix() -> None:
    from journal.urls import urlpatterns

    names = {p.name for p in urlpatterns}
    covered = {e.name.removesuffix("-substituted") for e in ENDPOINTS}
    assert names == covered, names ^ covered


LEARNERS = {"pupil", "parent", "other_parent"}


def refusal(endpoint: Endpoint, persona: str) -> int:
    """The one code a persona outside `endpoint.allowed` gets (ROLE-1..3).

    A parent or pupil on a staff route: the learners' guard answers before the view, 403
    (ROLE-2). Else a role gate refuses before loading anything, 403; a route that looks its
    object up in the user's scope answers 404 outside it (a scoped list: 200, empty) and
    403 inside it, where the user sees the object but their role may not act on it.
    """
    if persona in LEARNERS and not LEARNERS & endpoint.allowed:
        return 403
    if endpoint.outside is None or persona in endpoint.sees:
        return 403
    return endpoint.outside


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_access_matrix_role1(world: World, endpoint: Endpoint) -> None:
    with schema_context("school1"):
        if endpoint.setup:
            endpoint.setup(world)
    outcomes: dict[str, str] = {}
    for persona in PERSONAS:
        sid = transaction.savepoint()
        try:
            response = endpoint.call(world.client(persona), world)
        finally:
            transaction.savepoint_rollback(sid)
        code = response.status_code
        if persona in endpoint.allowed:
            if not (200 <= code < 300 and _has_data(response, endpoint)):
                outcomes[persona] = f"expected allow, got {code}: {response.content[:300]!r}"
        else:
            want = refusal(endpoint, persona)
            if code != want or (code == 200 and _has_data(response, endpoint)):
                what = "an empty list" if want == 200 else str(want)
                outcomes[persona] = f"expected {what}, got {code}: {response.content[:300]!r}"
        # ROLE-2: a pupil never succeeds at a write, but for their own messages (COM-1,
        # the names of settings.LEARNER_WRITE_URL_NAMES).
        own_messages = f"journal:{endpoint.name}" in settings.LEARNER_WRITE_URL_NAMES
        if persona == "pupil" and endpoint.method == "post" and not own_messages:
            assert code >= 400, "ROLE-2: a pupil never succeeds at a write"
    assert not outcomes, outcomes


# Requests that carry no id of this school (create a subject, list own classes...): sent by
# school2's director to school2's host they act on school2, which the test below asserts.
OWN_SCHOOL_ONLY = {
    "subject-create",
    "staff-create",
    "access-log",
    "class-list",
    "year-list",
    "year-create",
    "guardian-create",
    "work-kind-list",
    "work-kind-save",
    "order-list",
    "regulation-order-create",
    "schedule-order-create",
    "report-form-list",
    "report-job-list",
    # messages (issue #16): one's own conversations, contacts, announcements, reports
    "messages-thread-list",
    "messages-unread",
    "messages-contacts",
    "messages-report-list",
    "announcement-list",
}


@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if e.name not in OWN_SCHOOL_ONLY], ids=lambda e: e.name
)
def test_other_school_director_gets_nothing_ten3(
    world: World, school2_director: Any, endpoint: Endpoint
) -> None:
    """school2's director on school2's host with school1's ids: 404, nothing written."""
    with schema_context("school1"):
        if endpoint.setup:
            endpoint.setup(world)
        url = endpoint.url(world)
        payload = endpoint.payload(world) if endpoint.payload else {}
        before = _school1_rows()
    with schema_context("school2"):
        before2 = _school2_rows()
    client = school2_client(school2_director)
    if endpoint.method == "get":
        response = client.get(url)
    else:
        response = client.post(url, payload, format="multipart" if endpoint.multipart else "json")
    assert response.status_code == 404, (response.status_code, response.content[:300])
    with schema_context("school1"):
        assert _school1_rows() == before, "school1 changed"
    with schema_context("school2"):
        assert _school2_rows() == before2, "school2 changed"


def _row_counts() -> dict[str, int]:
    """Rows of every journal table of the current schema: a write anywhere changes one."""
    from django.apps import apps

    return {
        model._meta.db_table: model._default_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith(("journal.", "accounts.")) and not model._meta.proxy
    }


def _school1_rows() -> dict[str, int]:
    return _row_counts()


def _school2_rows() -> dict[str, int]:
    # The access log records the director's refused attempt in school2: not a change of data.
    return {k: v for k, v in _row_counts().items() if k != "audit_accesslog"}


def _school2_class(director: Any) -> int:
    from journal.structure.models import AcademicYear, ClassGroup

    with schema_context("school2"):
        today = timezone.localdate()
        year = AcademicYear.objects.create(
            title="2099/2100", starts_on=today, ends_on=today.replace(year=today.year + 1)
        )
        return ClassGroup.objects.create(year=year, grade=9, letter="Я").pk


@pytest.mark.parametrize("name", sorted(OWN_SCHOOL_ONLY))
def test_other_school_director_acts_only_on_own_school_ten3(
    world: World, school2_director: Any, name: str
) -> None:
    """The id-free requests of school2's director read and write school2 only, never school1."""
    from journal.audit.models import AccessLog
    from journal.audit.services import access_log
    from journal.register.models import WorkKind
    from journal.structure.models import AcademicYear, ClassGroup, Subject

    endpoint = next(e for e in ENDPOINTS if e.name == name)
    own_class_id = _school2_class(school2_director)
    if name == "report-job-list":
        with schema_context("school1"):
            add_report_job(world)
    with schema_context("school2"):
        access_log(user=school2_director, action="read", what="school2.own", pupil_ids=[1])
    with schema_context("school1"):
        WorkKind.objects.create(code="s1only", title="Только в школе 1", weight=1)
        school1_classes = set(ClassGroup.objects.values_list("id", "grade", "letter"))
        school1_log = set(AccessLog.objects.values_list("id", "what", "user_name"))
        assert school1_classes and school1_log
        url = endpoint.url(world)
        payload = endpoint.payload(world) if endpoint.payload else {}
    client = school2_client(school2_director)
    response = client.get(url) if endpoint.method == "get" else client.post(url, payload, "json")
    expected = 201 if name.endswith("-create") else 200
    assert response.status_code == expected, response.content[:300]
    body = response.json()
    items = body.get("results", []) if isinstance(body, dict) else body
    if name == "class-list":
        assert [(c["id"], c["grade"], c["letter"]) for c in items] == [(own_class_id, 9, "Я")]
    elif name == "access-log":
        with schema_context("school2"):
            own_log = set(AccessLog.objects.values_list("id", flat=True))
        assert items and {e["id"] for e in items} <= own_log
        assert {e["what"] for e in items} == {"school2.own"}
        assert not {(e["id"], e["what"], e["user_name"]) for e in items} & school1_log
    elif name == "subject-create":
        with schema_context("school2"):
            assert Subject.objects.filter(title="Астрономия").exists()
        with schema_context("school1"):
            assert not Subject.objects.filter(title="Астрономия").exists()
    elif name == "year-list":
        assert [y["title"] for y in items] == ["2099/2100"]
    elif name == "order-list":
        assert items == []  # school2 has recorded no order; school1's is not shown
    elif name in ("regulation-order-create", "schedule-order-create"):
        from journal.structure.models import SchoolOrder

        with schema_context("school2"):
            assert SchoolOrder.objects.count() == 1
        with schema_context("school1"):
            assert not SchoolOrder.objects.exclude(number="130-о").exists()
    elif name == "year-create":
        with schema_context("school2"):
            assert AcademicYear.objects.filter(title="2031/2032").exists()
        with schema_context("school1"):
            assert not AcademicYear.objects.filter(title="2031/2032").exists()
    elif name == "guardian-create":
        with schema_context("school2"):
            assert Guardian.objects.filter(user__first_name="Мария").exists()
        with schema_context("school1"):
            assert not Guardian.objects.filter(user__first_name="Мария").exists()
    elif name == "work-kind-list":
        assert items and "s1only" not in {k["code"] for k in items}
        with schema_context("school2"):
            assert {k["id"] for k in items} == set(WorkKind.objects.values_list("id", flat=True))
    elif name == "work-kind-save":
        with schema_context("school2"):
            assert WorkKind.objects.filter(code="project").exists()
        with schema_context("school1"):
            assert not WorkKind.objects.filter(code="project").exists()
    elif name == "report-job-list":
        assert items == []  # school2 has asked for no job; school1's is not shown
    elif name == "report-form-list":
        # The catalogue is central (TPL-3): school2's director gets school2's own list.
        assert {"class-period-results", "journal-paper-copy"} <= {f["code"] for f in items}
    elif name == "staff-create":
        from accounts.models import User

        with schema_context("school2"):
            assert User.objects.filter(username="newteacher").exists()
        with schema_context("school1"):
            assert not User.objects.filter(username="newteacher").exists()


def test_token_of_another_school_does_not_authenticate_ten3(
    world: World, school2_director: Any
) -> None:
    with schema_context("school2"):
        token = Token.objects.create(user=school2_director)
    client = APIClient(HTTP_HOST="school1.localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    # Not authenticated here: 403, as DRF answers when session auth (no challenge) comes first.
    for url in (f"/api/v1/roster/pupils/{world.pupils[0].pk}/", "/api/v1/structure/classes/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "last_name" not in response.content.decode()
