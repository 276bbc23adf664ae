"""REP-1 class results for a period (итоги успеваемости) against the hand-built 5В
(tests/journal/reports_school.py): every figure below is written by hand from its table."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django_tenants.utils import get_public_schema_name, schema_context

from catalog.models import ReportForm
from catalog.services import report_form_create
from journal.reports.selectors import report_run
from tests.journal.reports_school import ReportsSchool, build_reports_school, in_period_end
from tests.world import World

CODE = "class-period-results"


@pytest.fixture
def school(world: World) -> Any:
    with in_period_end(world), schema_context("school1"):
        yield build_reports_school(world)


def _run(school: ReportsSchool, persona: str = "deputy", **extra: Any) -> Any:
    data = {"class_group": school.class_group.pk, "period": school.period.pk, **extra}
    return report_run(code=CODE, data=data, for_user=school.users[persona])


def test_class_results_rows_counts_rates_and_rounding_rep1(school: ReportsSchool) -> None:
    """Жуков left on day 15 (not counted); Егоров arrived on day 10 (counted); Дмитриев's
    «н/а» and Егоров's missing PE mark are not attested; Борисов's «осв» leaves PE's N at 5."""
    with schema_context("school1"):
        run = _run(school)
    assert run.table is not None
    assert [c.text for c in run.table.header[0]][:3] == ["Предмет", "Учитель", "Обучающихся"]
    assert run.table.text_rows() == [
        # subject, teacher, pupils, 5, 4, 3, 2, н/а, успеваемость, качество, СОУ, средний
        ["Математика", "Математикова Тест", "6", "1", "2", "1", "1", "1",
         "66,7", "50,0", "46,7", "3,60"],
        ["Русский язык", "Русакова Тест", "6", "2", "2", "2", "0", "0",
         "100,0", "66,7", "66,7", "4,00"],
        ["Физическая культура", "Заменова Тест", "6", "2", "2", "0", "0", "1",
         "80,0", "80,0", "65,6", "4,50"],
    ]  # fmt: skip
    summary = {label: value for label, value, _kind in run.table.summary}
    assert summary["Обучающихся на конец периода"] == 6
    assert summary["Аттестовано по всем предметам без «2»"] == 3  # Алексеев, Борисов, Васильев
    assert str(summary["Успеваемость класса, %"]) == "50.0"
    assert str(summary["Качество знаний класса, %"]) == "33.3"  # Алексеев, Борисов: 2 of 6
    assert str(summary["Средний балл класса"]) == "4.00"  # 60 / 15 numeric marks
    assert summary["Учатся на «5»"] == 1
    assert summary["Учатся на «4» и «5» (с отличниками)"] == 2
    assert summary["С одной «3»"] == 1  # Васильев: 3, 4, 5
    assert summary["С «2»"] == 1  # Григорьев
    assert summary["Не аттестованы"] == 2  # Дмитриев (н/а), Егоров (no PE mark)
    assert sorted(run.table.pupil_ids) == sorted(
        p.pk for name, p in school.pupils.items() if name != "Жуков"
    )


def test_a_teacher_sees_only_their_subject_and_another_class_is_404(school: ReportsSchool) -> None:
    with schema_context("school1"):
        run = _run(school, "teacher")
        assert run.table is not None
        assert [r[0] for r in run.table.text_rows()] == ["Математика"]
        run = _run(school, "class_teacher")  # the class teacher of 5В: every subject
        assert run.table is not None and len(run.table.rows) == 3
        with pytest.raises(Http404):  # the other teacher teaches nothing in 5А
            report_run(
                code=CODE,
                data={"class_group": school.world.class5a.pk, "period": school.period.pk},
                for_user=school.users["other_teacher"],
            )
        for persona in ("pupil", "parent", "secretary", "journal_admin"):
            with pytest.raises(Http404):
                _run(school, persona)
        with pytest.raises(Http404):  # an id of nothing here (another school's): 404
            report_run(
                code=CODE,
                data={"class_group": 999_999, "period": school.period.pk},
                for_user=school.users["deputy"],
            )


def test_bad_parameters_are_field_errors_in_russian(school: ReportsSchool) -> None:
    with schema_context("school1"):
        run = report_run(code=CODE, data={"period": "x"}, for_user=school.users["deputy"])
        assert run.table is None
        errors = run.params_form.errors
        assert errors["class_group"] == ["Обязательное поле."]
        assert errors["period"] == ["Введите целое число."]
        first_grade = [
            p for p in school.period.year.periods.all() if not p.grade_from <= 1 <= p.grade_to
        ]
        if first_grade:
            run = report_run(
                code=CODE,
                data={"class_group": school.world.class1a.pk, "period": first_grade[0].pk},
                for_user=school.users["deputy"],
            )
            assert run.params_form.errors["period"] == ["Этот период не относится к 1 классам."]


def test_a_new_form_version_renames_and_drops_columns_without_code_tpl3(
    school: ReportsSchool,
) -> None:
    with schema_context(get_public_schema_name()):
        current = ReportForm.objects.filter(code=CODE).order_by("-version").first()
        assert current is not None
        columns = [c for c in current.columns if c["key"] != "learning_degree"]
        for c in columns:
            if c["key"] == "quality_rate":
                c["title"] = "Качество обученности, %"
        columns.append({"key": "exempt", "title": "Освобождены", "type": "integer"})
        report_form_create(
            code=CODE,
            title=current.title,
            row_kind=current.row_kind,
            columns=columns,
            parameters=current.parameters,
            requirement=current.requirement,
            by=None,
        )
    with schema_context("school1"):
        run = _run(school)
    assert run.table is not None and run.form.version == current.version + 1
    titles = [c.text for c in run.table.header[0]]
    assert "СОУ, %" not in titles and "Качество обученности, %" in titles
    assert titles[-1] == "Освобождены"
    assert [r[-1] for r in run.table.text_rows()] == ["0", "0", "1"]  # Борисов in PE
    with pytest.raises(ValidationError):
        report_form_create(code=CODE, title="x", row_kind="nope", columns=[], by=None)
