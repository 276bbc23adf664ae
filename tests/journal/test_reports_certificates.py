"""REP-4 (004 §6.10): the export for certificates and its consistency check, against a
hand-built 9Г whose every planted inconsistency is listed here by hand.

Curriculum of grade 9: Математика, Русский язык, Физическая культура. Assignments: those
three (Физкультура only for a subgroup without Кузнецов) and Информатика (not in the
curriculum) for a subgroup of Лебедев. Rule: the mean of year and exam, half up.

| pupil | Математика year/exam/final | Русский year/final | planted |
| --- | --- | --- | --- |
| Антонов | 5/4/5 | 4/4 | nothing (5+4 → 5) |
| Белов | 4/5/4 | 5/5 | contradicts: 4+5 gives «5» |
| Кузнецов | 4/–/4 | 4/— | Русский final missing; Физкультура not studied |
| Лебедев | 3/3/3 | 3/3 | Информатика (final «5») not in the curriculum |
| Морозов | —/—/5 | 4/4 | Математика final without a year mark |

Физкультура finals: «зач» for everyone taught it.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from core.errors import ApplicationError, PermissionDeniedError
from journal.planning.models import CurriculumLine
from journal.register.models import PeriodMark
from journal.reports.certificates import (
    CONTRADICTS,
    CURRICULUM_MISSING,
    MISSING,
    NOT_IN_CURRICULUM,
    certificate_export_create,
    certificate_sheet,
)
from journal.reports.models import CertificateExportConfirmation
from journal.roster import services as roster
from journal.structure import services as structure
from journal.structure.models import SubgroupMember, Subject
from tests.journal.reports_school import in_period_end
from tests.world import World, staff

NAMES = ["Антонов", "Белов", "Кузнецов", "Лебедев", "Морозов"]


@pytest.fixture
def nine(world: World) -> Any:
    with in_period_end(world), schema_context("school1"):
        boss = world.users["director"]
        cls = structure.class_group_create(
            year=world.year,
            grade=9,
            letter="Г",
            class_teacher=staff(world.users["class_teacher"]),
            by=boss,
        )
        pupils = {
            name: roster.pupil_create(
                last_name=name,
                first_name="Пётр",
                class_group=cls,
                enrolled_on=world.year.starts_on,
                order_number=f"9г/{i}",
                by=world.users["secretary"],
            )
            for i, name in enumerate(NAMES)
        }
        info = Subject.objects.create(title="Информатика")
        for subject in (world.math, world.russian, world.pe):
            CurriculumLine.objects.create(
                year=world.year, grade=9, subject=subject, hours_per_year=102
            )
        teacher = staff(world.users["teacher"])

        def assign(subject: Any, members: list[str] | None = None) -> Any:
            subgroup = None
            if members is not None:
                subgroup = structure.subgroup_create(
                    class_group=cls, subject=subject, title="1", by=boss
                )
                for name in members:
                    SubgroupMember.objects.create(
                        subgroup=subgroup, pupil=pupils[name], class_group=cls, subject=subject
                    )
            return structure.teaching_assignment_create(
                teacher=teacher,
                subject=subject,
                class_group=cls,
                weekly_hours=Decimal(2),
                subgroup=subgroup,
                by=boss,
            )

        math, russian = assign(world.math), assign(world.russian)
        pe = assign(world.pe, [n for n in NAMES if n != "Кузнецов"])
        informatics = assign(info, ["Лебедев"])

        def give(assignment: Any, name: str, **kinds: str) -> None:
            for kind, value in kinds.items():
                PeriodMark.objects.create(
                    pupil=pupils[name],
                    assignment=assignment,
                    period=None,
                    kind=kind,
                    value=value,
                    entered_by=world.users["teacher"],
                )

        give(math, "Антонов", year="5", exam="4", final="5")
        give(math, "Белов", year="4", exam="5", final="4")
        give(math, "Кузнецов", year="4", final="4")
        give(math, "Лебедев", year="3", exam="3", final="3")
        give(math, "Морозов", final="5")
        for name, value in zip(NAMES, ["4", "5", "4", "3", "4"], strict=True):
            if name == "Кузнецов":
                give(russian, name, year=value)
            else:
                give(russian, name, year=value, final=value)
        for name in NAMES:
            if name != "Кузнецов":
                give(pe, name, year="зач", final="зач")
        give(informatics, "Лебедев", year="5", final="5")
        yield world, cls, pupils


def _issues(sheet: Any) -> set[tuple[str, str, str]]:
    return {(i.pupil.split(" ")[0], i.subject, i.kind) for i in sheet.issues}


def test_check_flags_every_planted_inconsistency_and_nothing_else(nine: Any) -> None:
    """REP-4: missing, contradicting, off-curriculum and missing-from-curriculum."""
    world, cls, _pupils = nine
    with schema_context("school1"):
        sheet = certificate_sheet(class_group_id=cls.pk, for_user=world.users["deputy"])
    assert _issues(sheet) == {
        ("Белов", "Математика", CONTRADICTS),
        ("Кузнецов", "Русский язык", MISSING),
        ("Кузнецов", "Физическая культура", CURRICULUM_MISSING),
        ("Лебедев", "Информатика", NOT_IN_CURRICULUM),
        ("Морозов", "Математика", CONTRADICTS),
    }
    texts = {i.pupil.split(" ")[0]: i.text for i in sheet.issues if i.kind == CONTRADICTS}
    assert texts["Белов"] == ("итоговая «4» не следует из годовой «4» и экзаменационной «5»: «5»")
    # The sheet: the curriculum's subjects, in title order.
    assert [s.label for s in sheet.subjects] == [
        "Математика",
        "Русский язык",
        "Физическая культура",
    ]
    rows = {r[0].split(" ")[0]: r[1:] for r in sheet.table().text_rows()}
    assert rows["Антонов"] == ["5", "4", "зач"]
    assert rows["Кузнецов"] == ["4", "", ""]


def test_export_refuses_with_errors_and_records_the_deputys_confirmation(nine: Any) -> None:
    """REP-4: no reason, no file; a reason: who, when, why and the errors recorded."""
    world, cls, _pupils = nine
    deputy = world.users["deputy"]
    with schema_context("school1"):
        with pytest.raises(ApplicationError, match="ошибок в итоговых отметках — 5"):
            certificate_export_create(class_group_id=cls.pk, fmt="xlsx", by=deputy)
        with pytest.raises(PermissionDeniedError):
            certificate_export_create(
                class_group_id=cls.pk,
                fmt="csv",
                by=world.users["class_teacher"],
                reason="сроки",
            )
        assert not CertificateExportConfirmation.objects.exists()
        _sheet, content = certificate_export_create(
            class_group_id=cls.pk, fmt="xlsx", by=deputy, reason="Решение педсовета № 7"
        )
        confirmation = CertificateExportConfirmation.objects.get()
        assert confirmation.confirmed_by == deputy
        assert confirmation.reason == "Решение педсовета № 7"
        assert len(confirmation.errors) == 5
        assert {e["kind"] for e in confirmation.errors} == {
            MISSING,
            CONTRADICTS,
            CURRICULUM_MISSING,
            NOT_IN_CURRICULUM,
        }
        _sheet, csv_bytes = certificate_export_create(
            class_group_id=cls.pk, fmt="csv", by=deputy, reason="то же"
        )
    ws = load_workbook(io.BytesIO(content)).active
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    antonov = next(r for r in values if r[0] and str(r[0]).startswith("Антонов"))
    assert list(antonov[:4]) == ["Антонов Пётр", 5, 4, "зач"]
    lines = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Обучающийся", "Математика", "Русский язык", "Физическая культура"]
    assert lines[1] == ["Антонов Пётр", "5", "4", "зач"]
    assert len(lines) == 6


def test_consistent_class_exports_without_confirmation(world: World) -> None:
    """REP-4: an 11th class whose finals follow the rule needs no confirmation."""
    with in_period_end(world), schema_context("school1"):
        boss = world.users["director"]
        cls = structure.class_group_create(year=world.year, grade=11, letter="А", by=boss)
        pupil = roster.pupil_create(
            last_name="Яшин",
            first_name="Лев",
            class_group=cls,
            enrolled_on=world.year.starts_on,
            order_number="11а/1",
            by=world.users["secretary"],
        )
        CurriculumLine.objects.create(
            year=world.year, grade=11, subject=world.math, hours_per_year=1
        )
        math = structure.teaching_assignment_create(
            teacher=staff(world.users["teacher"]),
            subject=world.math,
            class_group=cls,
            weekly_hours=Decimal(4),
            by=boss,
        )
        for kind, value in (("year", "3"), ("exam", "4"), ("final", "4")):
            PeriodMark.objects.create(
                pupil=pupil, assignment=math, kind=kind, value=value, entered_by=boss
            )
        sheet, content = certificate_export_create(
            class_group_id=cls.pk, fmt="csv", by=world.users["deputy"]
        )
        assert sheet.issues == []
        assert not CertificateExportConfirmation.objects.exists()
    assert content.decode("utf-8-sig").splitlines()[1] == "Яшин Лев;4"


def test_teacher_and_other_roles_get_404(nine: Any) -> None:
    from django.http import Http404

    world, cls, _pupils = nine
    with schema_context("school1"):
        for persona in ("teacher", "pupil", "parent"):
            with pytest.raises(Http404):
                certificate_sheet(class_group_id=cls.pk, for_user=world.users[persona])
        # The class teacher reads the check of their class.
        sheet = certificate_sheet(class_group_id=cls.pk, for_user=world.users["class_teacher"])
        assert len(sheet.issues) == 5


def test_check_keeps_its_query_count_for_5_and_25_pupils(nine: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world, cls, _pupils = nine
    deputy = world.users["deputy"]

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            certificate_sheet(class_group_id=cls.pk, for_user=deputy)
        return len(ctx.captured_queries)

    with schema_context("school1"):
        count()  # warm the adopted rules' cache
        small = count()
        math = cls.assignments.get(subject=world.math)
        for i in range(20):
            pupil = roster.pupil_create(
                last_name=f"Доп{i:02d}",
                first_name="Иван",
                class_group=cls,
                enrolled_on=world.year.starts_on,
                order_number=f"9г/d{i}",
                by=world.users["secretary"],
            )
            PeriodMark.objects.create(
                pupil=pupil, assignment=math, kind="final", value="4", entered_by=deputy
            )
        large = count()
    assert small == large <= 10, (small, large)
