"""Journal API: lessons, marks, attendance, grids (one view per operation)."""

from __future__ import annotations

from typing import Any, TypedDict

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import Pagination, SchoolObjectField
from journal.access import (
    CreatedOutput,
    DateRangeFilters,
    JournalApiView,
    query_filters,
    scope_for,
)
from journal.register import selectors, services
from journal.register.models import HomeworkAttachment, Lesson, PeriodMark
from journal.roster.models import Pupil
from journal.roster.selectors import visible_pupils_q
from journal.structure.models import (
    AcademicYear,
    ReportingPeriod,
    StaffMember,
    TeachingAssignment,
)


class LessonOutput(serializers.ModelSerializer):
    class Meta:
        model = Lesson
        fields = [
            "id",
            "assignment_id",
            "date",
            "slot",
            "kind",
            "topic",
            "work_topic",
            "homework",
            "plan_item_id",
            "substitute_id",
            "substituted_teacher_id",
        ]


def _query_int(request: Request, name: str) -> int:
    try:
        return int(request.query_params[name])
    except (KeyError, ValueError) as exc:
        raise serializers.ValidationError({name: ["Укажите целое число."]}) from exc


# The query of the views that show one journal (an assignment) in one reporting period.
ASSIGNMENT_AND_PERIOD = [OpenApiParameter("assignment_id", int), OpenApiParameter("period_id", int)]


class AssignmentAndPeriod(TypedDict):
    assignment_id: int
    period_id: int


def _assignment_and_period(request: Request) -> AssignmentAndPeriod:
    """assignment_id and period_id from the query (400 naming the first that is missing or
    not a whole number), as the selectors' keyword arguments."""
    return {
        "assignment_id": _query_int(request, "assignment_id"),
        "period_id": _query_int(request, "period_id"),
    }


class LessonsGenerateApi(JournalApiView):
    class Input(serializers.Serializer):
        class_group_id = serializers.IntegerField(required=False)

    class Output(serializers.Serializer):
        created = serializers.IntegerField(help_text="Создано уроков")
        skipped = serializers.IntegerField(help_text="Пропущено (каникулы, карантин)")

    @extend_schema(
        request=Input,
        responses={201: Output},
        summary="Сформировать уроки периода по расписанию (LES-1)",
    )
    def post(self, request: Request, period_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        scope = scope_for(request.user)
        if not scope.is_staff:
            return Response({"detail": "Не найдено.", "errors": {}}, status=404)
        period = get_object_or_404(ReportingPeriod.objects.select_related("year"), pk=period_id)
        result = services.lessons_generate(
            period=period, class_group_id=data.validated_data.get("class_group_id"), by=request.user
        )
        return Response({"created": result.created, "skipped": result.skipped_days}, status=201)


class LessonListApi(JournalApiView):
    pagination_class = Pagination  # documented as the page envelope

    class Filters(DateRangeFilters):
        period_id = serializers.IntegerField(required=False, help_text="Отчётный период")

    @extend_schema(
        responses=LessonOutput(many=True),
        parameters=[Filters],
        summary="Уроки по нагрузке: за даты и/или период (LES-1)",
    )
    def get(self, request: Request, assignment_id: int) -> Response:
        qs = selectors.lesson_list(
            assignment_id=assignment_id,
            for_user=request.user,
            **query_filters(request, self.Filters),
        )

        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(LessonOutput(page, many=True).data)


class LessonUpdateApi(JournalApiView):
    class Input(serializers.Serializer):
        topic = serializers.CharField(required=False, allow_blank=True, max_length=500)
        work_topic = serializers.CharField(required=False, allow_blank=True, max_length=500)
        homework = serializers.CharField(required=False, allow_blank=True, max_length=5000)
        kind = serializers.ChoiceField(choices=Lesson.Kind.choices, required=False)

    @extend_schema(request=Input, responses=LessonOutput, summary="Тема, ДЗ, вид урока (LES-1)")
    def post(self, request: Request, lesson_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        lesson = selectors.lesson_for_writing(lesson_id=lesson_id, for_user=request.user)
        lesson = services.lesson_update(lesson=lesson, by=request.user, **data.validated_data)
        return Response(LessonOutput(lesson).data)


class HomeworkFileOutput(serializers.Serializer):
    id = serializers.IntegerField()
    lesson_id = serializers.IntegerField()
    name = serializers.CharField(source="original_name", help_text="Имя файла")
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="Размер, байт")
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField(help_text="Скачать (с проверкой прав)")

    def get_url(self, obj: HomeworkAttachment) -> str:
        return reverse("diary:homework-file", args=[obj.lesson_id, obj.pk])


class HomeworkFileListApi(JournalApiView):
    @extend_schema(
        responses=HomeworkFileOutput(many=True),
        summary="Файлы домашнего задания урока (LES-1)",
    )
    def get(self, request: Request, lesson_id: int) -> Response:
        files = selectors.homework_attachment_list(lesson_id=lesson_id, for_user=request.user)
        return Response(HomeworkFileOutput(files, many=True).data)


class HomeworkFileUploadApi(JournalApiView):
    parser_classes = [MultiPartParser, FormParser]

    class Input(serializers.Serializer):
        file = serializers.FileField(
            help_text="PDF, изображение, документ Office/OpenDocument, RTF или текст"
        )

    @extend_schema(
        request={"multipart/form-data": Input},
        responses={201: HomeworkFileOutput},
        summary="Прикрепить файл к домашнему заданию (LES-1)",
    )
    def post(self, request: Request, lesson_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        lesson = selectors.lesson_for_writing(lesson_id=lesson_id, for_user=request.user)
        attachment = services.homework_attachment_add(
            lesson=lesson, upload=data.validated_data["file"], by=request.user
        )
        return Response(HomeworkFileOutput(attachment).data, status=status.HTTP_201_CREATED)


class SubstitutionGrantApi(JournalApiView):
    class Input(serializers.Serializer):
        substitute_id = SchoolObjectField(queryset=StaffMember.objects.select_related("user"))
        reason = serializers.CharField(
            max_length=300, help_text="Причина замены (болезнь, курсы, командировка)"
        )

    @extend_schema(request=Input, responses=LessonOutput, summary="Назначить замену (ROLE-3)")
    def post(self, request: Request, lesson_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        lesson = selectors.lesson_for_writing(lesson_id=lesson_id, for_user=request.user)
        lesson = services.substitution_grant(
            lesson=lesson,
            substitute=data.validated_data["substitute_id"],
            reason=data.validated_data["reason"],
            by=request.user,
        )
        return Response(LessonOutput(lesson).data)


class MarksSaveApi(JournalApiView):
    """A whole column of marks for one lesson in one request, atomically."""

    class Input(serializers.Serializer):
        class Item(serializers.Serializer):
            pupil_id = serializers.IntegerField()
            value = serializers.IntegerField()
            work_kind = serializers.CharField(max_length=32)

        marks = Item(many=True, allow_empty=False)

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        pupil_id = serializers.IntegerField()
        value = serializers.IntegerField()
        weight = serializers.IntegerField()

    @extend_schema(request=Input, responses=Output(many=True), summary="Отметки за урок (MRK-1)")
    def post(self, request: Request, lesson_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        lesson = selectors.lesson_for_writing(lesson_id=lesson_id, for_user=request.user)
        marks = services.marks_save(
            lesson=lesson,
            marks=[services.MarkInput(**item) for item in data.validated_data["marks"]],
            by=request.user,
        )
        return Response(self.Output(marks, many=True).data, status=status.HTTP_201_CREATED)


class MarkCorrectApi(JournalApiView):
    class Input(serializers.Serializer):
        new_value = serializers.IntegerField(allow_null=True)
        reason = serializers.CharField(max_length=500, allow_blank=True)

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        mark_id = serializers.IntegerField()
        old_value = serializers.IntegerField(allow_null=True)
        new_value = serializers.IntegerField(allow_null=True)
        reason = serializers.CharField()
        corrected_at = serializers.DateTimeField()

    @extend_schema(request=Input, responses=Output, summary="Исправить отметку (MRK-2)")
    def post(self, request: Request, mark_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        mark = selectors.mark_for_correction(mark_id=mark_id, for_user=request.user)
        correction = services.mark_correct(mark=mark, by=request.user, **data.validated_data)
        return Response(self.Output(correction).data, status=status.HTTP_201_CREATED)


class AttendanceSaveApi(JournalApiView):
    class Input(serializers.Serializer):
        class Item(serializers.Serializer):
            pupil_id = serializers.IntegerField()
            code = serializers.CharField(max_length=1, allow_null=True)

        entries = Item(many=True)

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        pupil_id = serializers.IntegerField()
        code = serializers.CharField()

    @extend_schema(
        request=Input, responses=Output(many=True), summary="Посещаемость урока целиком (ATT-1)"
    )
    def post(self, request: Request, lesson_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        lesson = selectors.lesson_for_writing(lesson_id=lesson_id, for_user=request.user)
        saved = services.attendance_save(
            lesson=lesson,
            entries=[services.AttendanceInput(**e) for e in data.validated_data["entries"]],
            by=request.user,
        )
        return Response(
            [{"id": a.pk, "pupil_id": a.pupil_id, "code": a.code} for a in saved], status=200
        )


class AttendanceReasonApi(JournalApiView):
    class Input(serializers.Serializer):
        code = serializers.CharField(max_length=1)
        note = serializers.CharField(max_length=300, required=False, allow_blank=True)

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        code = serializers.CharField()
        note = serializers.CharField()

    @extend_schema(
        request=Input,
        responses=Output,
        summary="Причина пропуска (классный руководитель, ATT-1)",
    )
    def post(self, request: Request, attendance_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        att = selectors.attendance_for_reason(attendance_id=attendance_id, for_user=request.user)
        att = services.attendance_reason_set(attendance=att, by=request.user, **data.validated_data)
        return Response({"id": att.pk, "code": att.code, "note": att.reason_note})


class JournalGridApi(JournalApiView):
    class Output(serializers.Serializer):
        class Assignment(serializers.Serializer):
            id = serializers.IntegerField()
            subject = serializers.CharField()
            class_group = serializers.CharField()

        class Period(serializers.Serializer):
            id = serializers.IntegerField()
            title = serializers.CharField()

        class Lesson(serializers.Serializer):
            id = serializers.IntegerField()
            date = serializers.DateField()
            slot = serializers.IntegerField()
            topic = serializers.CharField()

        class Pupil(serializers.Serializer):
            class Cell(serializers.Serializer):
                class Mark(serializers.Serializer):
                    id = serializers.IntegerField()
                    value = serializers.IntegerField(allow_null=True)
                    original = serializers.IntegerField()
                    corrected = serializers.BooleanField()
                    weight = serializers.IntegerField()
                    work_kind_id = serializers.IntegerField()

                marks = Mark(many=True)
                attendance = serializers.CharField(allow_null=True)

            id = serializers.IntegerField()
            name = serializers.CharField()
            average = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
            cells = serializers.DictField(child=Cell(), help_text="Ключ — id урока")

        assignment = Assignment()
        period = Period()
        lessons = Lesson(many=True)
        pupils = Pupil(many=True)

    @extend_schema(
        parameters=ASSIGNMENT_AND_PERIOD,
        responses=Output,
        summary="Страница журнала: ученики × уроки (отметки, посещаемость)",
    )
    def get(self, request: Request) -> Response:
        grid = selectors.journal_grid(**_assignment_and_period(request), for_user=request.user)
        return Response(
            {
                "assignment": {
                    "id": grid.assignment.pk,
                    "subject": grid.assignment.subject.title,
                    "class_group": grid.assignment.class_group.title,
                },
                "period": {"id": grid.period.pk, "title": grid.period.title},
                "lessons": [
                    {
                        "id": lesson.pk,
                        "date": lesson.date,
                        "slot": lesson.slot,
                        "topic": lesson.topic,
                    }
                    for lesson in grid.lessons
                ],
                "pupils": [
                    {
                        "id": p.pk,
                        "name": p.user.full_name,
                        "average": grid.averages.get(p.pk),
                        "cells": {
                            str(lesson.pk): {
                                "marks": cell.marks,
                                "attendance": cell.attendance,
                            }
                            for lesson in grid.lessons
                            if (cell := grid.cells.get((p.pk, lesson.pk))) is not None
                        },
                    }
                    for p in grid.pupils
                ],
            }
        )


class PupilProgressApi(JournalApiView):
    class Output(serializers.Serializer):
        class Pupil(serializers.Serializer):
            id = serializers.IntegerField()
            name = serializers.CharField()

        class Subject(serializers.Serializer):
            assignment_id = serializers.IntegerField()
            subject = serializers.CharField()
            marks = serializers.ListField(child=serializers.IntegerField())
            average = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
            forecast = serializers.IntegerField(allow_null=True)
            needed_for_next = serializers.IntegerField(allow_null=True)

        pupil = Pupil()
        subjects = Subject(many=True)

    @extend_schema(
        parameters=[OpenApiParameter("period_id", int)],
        responses=Output,
        summary="Средний балл, прогноз, сколько отметок нужно (MRK-4)",
    )
    def get(self, request: Request, pupil_id: int) -> Response:
        pupil, rows = selectors.pupil_progress(
            pupil_id=pupil_id, period_id=_query_int(request, "period_id"), for_user=request.user
        )
        return Response(
            {
                "pupil": {"id": pupil.pk, "name": pupil.user.full_name},
                "subjects": [
                    {
                        "assignment_id": r.assignment_id,
                        "subject": r.subject,
                        "marks": [v for v, _w in r.marks],
                        "average": r.average,
                        "forecast": r.forecast,
                        "needed_for_next": r.needed_for_next,
                    }
                    for r in rows
                ],
            }
        )


class AccumulationApi(JournalApiView):
    class Output(serializers.Serializer):
        pupil_id = serializers.IntegerField()
        name = serializers.CharField()
        marks = serializers.IntegerField()
        # The metaclass takes declared fields off the class; mypy sees Field.required.
        required = serializers.IntegerField()  # type: ignore[assignment]
        enough = serializers.BooleanField()

    @extend_schema(
        parameters=ASSIGNMENT_AND_PERIOD,
        responses=Output(many=True),
        summary="Накопляемость отметок (MRK-6)",
    )
    def get(self, request: Request) -> Response:
        rows = selectors.accumulation_report(
            **_assignment_and_period(request), for_user=request.user
        )
        return Response(
            [
                {
                    "pupil_id": r.pupil_id,
                    "name": r.pupil_name,
                    "marks": r.marks,
                    "required": r.required,
                    "enough": r.enough,
                }
                for r in rows
            ]
        )


class AttendanceDailyApi(JournalApiView):
    class Output(serializers.Serializer):
        class Absence(serializers.Serializer):
            id = serializers.IntegerField()
            lesson_id = serializers.IntegerField()
            slot = serializers.IntegerField()
            subject = serializers.CharField()
            code = serializers.CharField()

        pupil_id = serializers.IntegerField()
        name = serializers.CharField()
        absences = Absence(many=True)
        systematic = serializers.BooleanField(help_text="Систематические пропуски без причины")

    @extend_schema(
        parameters=[OpenApiParameter("date", str)],
        responses=Output(many=True),
        summary="Посещаемость за день (ATT-2)",
    )
    def get(self, request: Request, class_group_id: int) -> Response:
        on = serializers.DateField().to_internal_value(request.query_params.get("date", ""))
        rows = selectors.attendance_daily(
            class_group_id=class_group_id, on_date=on, for_user=request.user
        )
        return Response(
            [
                {
                    "pupil_id": r.pupil_id,
                    "name": r.pupil_name,
                    "absences": r.absences,
                    "systematic": r.systematic,
                }
                for r in rows
            ]
        )


class PeriodMarkCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        pupil_id = serializers.IntegerField()
        assignment_id = serializers.IntegerField()
        period_id = serializers.IntegerField(required=False, allow_null=True)
        kind = serializers.ChoiceField(choices=PeriodMark.Kind.choices)
        value = serializers.CharField(max_length=8)

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        value = serializers.CharField()
        kind = serializers.CharField()

    @extend_schema(
        request=Input,
        responses={201: Output},
        summary="Отметка за период, годовая, экзаменационная, итоговая (MRK-3)",
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        scope = scope_for(request.user)
        assignment = get_object_or_404(
            TeachingAssignment.objects.readable_by(scope).select_related("class_group", "year"),
            pk=v["assignment_id"],
        )
        pupil = get_object_or_404(Pupil.objects.filter(visible_pupils_q(scope)), pk=v["pupil_id"])
        period = (
            get_object_or_404(ReportingPeriod, pk=v["period_id"]) if v.get("period_id") else None
        )
        mark = services.period_mark_create(
            pupil=pupil,
            assignment=assignment,
            period=period,
            kind=v["kind"],
            value=v["value"],
            by=request.user,
        )
        return Response({"id": mark.pk, "value": mark.value, "kind": mark.kind}, status=201)


class PeExemptionCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        pupil_id = serializers.IntegerField()
        starts_on = serializers.DateField()
        ends_on = serializers.DateField()
        document = serializers.CharField(max_length=300)

    @extend_schema(
        request=Input, responses={201: CreatedOutput}, summary="Освобождение от физкультуры (MRK-5)"
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v: dict[str, Any] = dict(data.validated_data)
        scope = scope_for(request.user)
        pupil = get_object_or_404(
            Pupil.objects.filter(visible_pupils_q(scope)), pk=v.pop("pupil_id")
        )
        exemption = services.pe_exemption_create(pupil=pupil, by=request.user, **v)
        return Response({"id": exemption.pk}, status=201)


class WorkKindOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    weight = serializers.IntegerField()
    is_theoretical = serializers.BooleanField()


class WorkKindListApi(JournalApiView):
    @extend_schema(responses=WorkKindOutput(many=True), summary="Виды работ и их веса (MRK-1)")
    def get(self, request: Request) -> Response:
        kinds = selectors.work_kind_list(for_user=request.user)
        return Response(WorkKindOutput(kinds, many=True).data)


class WorkKindSaveApi(JournalApiView):
    class Input(serializers.Serializer):
        code = serializers.SlugField(max_length=32)
        title = serializers.CharField(max_length=200)
        weight = serializers.IntegerField(min_value=1, max_value=10)
        is_theoretical = serializers.BooleanField(default=True)

    @extend_schema(
        request=Input,
        responses=WorkKindOutput,
        summary="Добавить или изменить вид работы школы (MRK-1)",
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        kind = services.work_kind_save(by=request.user, **data.validated_data)
        return Response(WorkKindOutput(kind).data)


class CoverageApi(JournalApiView):
    class Output(serializers.Serializer):
        planned_hours = serializers.IntegerField(help_text="Часов по КТП")
        planned_to_date = serializers.IntegerField(help_text="Часов по КТП до сегодняшнего дня")
        given = serializers.IntegerField(help_text="Проведено уроков")
        given_with_topic = serializers.IntegerField(help_text="Проведено уроков с темой")
        lag = serializers.IntegerField(help_text="Отставание от КТП, часов")
        topics_missing = serializers.ListField(child=serializers.CharField())

    @extend_schema(responses=Output, summary="Выполнение программы: план и факт (PLAN-3)")
    def get(self, request: Request, assignment_id: int) -> Response:
        c = selectors.programme_coverage(assignment_id=assignment_id, for_user=request.user)
        return Response(
            {
                "planned_hours": c.planned_hours,
                "planned_to_date": c.planned_to_date,
                "given": c.given,
                "given_with_topic": c.given_with_topic,
                "lag": c.lag,
                "topics_missing": c.topics_missing,
            }
        )


# ---------------------------------------------------------------- period and final marks (MRK-3)


class PeriodSheetApi(JournalApiView):
    class Output(serializers.Serializer):
        class Row(serializers.Serializer):
            pupil_id = serializers.IntegerField()
            name = serializers.CharField()
            marks = serializers.ListField(child=serializers.IntegerField())
            average = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
            suggested = serializers.IntegerField(allow_null=True, help_text="Предлагаемая")
            value = serializers.CharField(allow_null=True, help_text="Выставленная отметка")

        assignment_id = serializers.IntegerField()
        period_id = serializers.IntegerField()
        opens_on = serializers.DateField()
        due_on = serializers.DateField()
        due_source = serializers.CharField()
        state = serializers.ChoiceField(choices=["early", "open", "locked"])
        may_write = serializers.BooleanField()
        allowed_values = serializers.ListField(child=serializers.CharField())
        rows = Row(many=True)

    @extend_schema(
        parameters=ASSIGNMENT_AND_PERIOD,
        responses=Output,
        summary="Ведомость отметок за период: средний балл, предлагаемая отметка, срок (MRK-3)",
    )
    def get(self, request: Request) -> Response:
        sheet = selectors.period_mark_sheet(
            **_assignment_and_period(request), for_user=request.user
        )
        return Response(
            self.Output(
                {
                    "assignment_id": sheet.assignment.pk,
                    "period_id": sheet.period.pk,
                    "opens_on": sheet.opens_on,
                    "due_on": sheet.due_on,
                    "due_source": sheet.due_source,
                    "state": sheet.state,
                    "may_write": sheet.may_write,
                    "allowed_values": sheet.allowed_values,
                    "rows": sheet.rows,
                }
            ).data
        )


class PeriodMarksSaveApi(JournalApiView):
    """The period sheet's marks in one request, atomically (the page's keyboard entry)."""

    class Input(serializers.Serializer):
        class Item(serializers.Serializer):
            pupil_id = serializers.IntegerField()
            value = serializers.CharField(max_length=8)

        assignment_id = serializers.IntegerField()
        period_id = serializers.IntegerField(required=False, allow_null=True)
        kind = serializers.ChoiceField(choices=PeriodMark.Kind.choices)
        marks = Item(many=True, allow_empty=False)

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        pupil_id = serializers.IntegerField()
        value = serializers.CharField()

    @extend_schema(
        request=Input,
        responses={201: Output(many=True)},
        summary="Отметки ведомости за период (год, экзамен) одним запросом (MRK-3)",
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        assignment, _scope = selectors.assignment_for_reading(
            assignment_id=v["assignment_id"], for_user=request.user
        )
        period = (
            get_object_or_404(ReportingPeriod, pk=v["period_id"]) if v.get("period_id") else None
        )
        saved = services.period_marks_save(
            assignment=assignment,
            kind=v["kind"],
            period=period,
            marks=[services.PeriodMarkInput(**m) for m in v["marks"]],
            by=request.user,
        )
        return Response(self.Output(saved, many=True).data, status=status.HTTP_201_CREATED)


class DueOutput(serializers.Serializer):
    opens_on = serializers.DateField()
    due_on = serializers.DateField()
    source = serializers.CharField()  # type: ignore[assignment]


class YearSheetApi(JournalApiView):
    class Output(serializers.Serializer):
        class Period(serializers.Serializer):
            id = serializers.IntegerField()
            title = serializers.CharField()

        class Row(serializers.Serializer):
            pupil_id = serializers.IntegerField()
            name = serializers.CharField()
            periods = serializers.DictField(
                child=serializers.CharField(), help_text="Ключ — id периода"
            )
            suggested_year = serializers.CharField(allow_null=True)
            year = serializers.CharField(allow_null=True)
            exam = serializers.CharField(allow_null=True)
            final = serializers.CharField(allow_null=True)
            proposed_final = serializers.CharField(allow_null=True)

        assignment_id = serializers.IntegerField()
        final_rule = serializers.CharField()
        may_write = serializers.BooleanField()
        allowed_values = serializers.ListField(child=serializers.CharField())
        due = serializers.DictField(child=DueOutput(), help_text="year / exam / final")
        state = serializers.DictField(child=serializers.CharField())
        periods = Period(many=True)
        rows = Row(many=True)

    @extend_schema(
        parameters=[OpenApiParameter("assignment_id", int)],
        responses=Output,
        summary="Годовые, экзаменационные и итоговые отметки класса по предмету (MRK-3)",
    )
    def get(self, request: Request) -> Response:
        sheet = selectors.year_mark_sheet(
            assignment_id=_query_int(request, "assignment_id"), for_user=request.user
        )
        return Response(
            self.Output(
                {
                    "assignment_id": sheet.assignment.pk,
                    "final_rule": sheet.final_rule,
                    "may_write": sheet.may_write,
                    "allowed_values": sheet.allowed_values,
                    "due": {
                        k: {"opens_on": d.opens_on, "due_on": d.due_on, "source": d.source}
                        for k, d in sheet.due.items()
                    },
                    "state": sheet.state,
                    "periods": sheet.periods,
                    "rows": [
                        {**r.__dict__, "periods": {str(k): v for k, v in r.periods.items()}}
                        for r in sheet.rows
                    ],
                }
            ).data
        )


class FinalMarksConfirmApi(JournalApiView):
    class Input(serializers.Serializer):
        pupil_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        pupil_id = serializers.IntegerField()
        value = serializers.CharField()

    @extend_schema(
        request=Input,
        responses={201: Output(many=True)},
        summary="Подтвердить итоговые отметки, выведенные по правилу школы (MRK-3)",
    )
    def post(self, request: Request, assignment_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        assignment, _scope = selectors.assignment_for_reading(
            assignment_id=assignment_id, for_user=request.user
        )
        marks = services.final_marks_confirm(
            assignment=assignment, pupil_ids=data.validated_data["pupil_ids"], by=request.user
        )
        return Response(self.Output(marks, many=True).data, status=status.HTTP_201_CREATED)


class MarkDeadlineListApi(JournalApiView):
    class Output(serializers.Serializer):
        kind = serializers.CharField()
        period_id = serializers.IntegerField(allow_null=True)
        period = serializers.CharField(allow_null=True)
        opens_on = serializers.DateField()
        due_on = serializers.DateField()
        source = serializers.CharField(help_text="Приказ школы или положение")  # type: ignore[assignment]

    @extend_schema(
        responses=Output(many=True), summary="Сроки выставления отметок за периоды и год (MRK-3)"
    )
    def get(self, request: Request, year_id: int) -> Response:
        lines = selectors.mark_deadline_list(year_id=year_id, for_user=request.user)
        return Response(
            self.Output(
                [
                    {
                        "kind": x.kind,
                        "period_id": x.period.pk if x.period else None,
                        "period": x.period.title if x.period else None,
                        "opens_on": x.due.opens_on,
                        "due_on": x.due.due_on,
                        "source": x.due.source,
                    }
                    for x in lines
                ],
                many=True,
            ).data
        )


class MarkDeadlineSetApi(JournalApiView):
    class Input(serializers.Serializer):
        kind = serializers.ChoiceField(choices=PeriodMark.Kind.choices)
        period_id = serializers.IntegerField(required=False, allow_null=True)
        due_on = serializers.DateField()
        order_number = serializers.CharField(max_length=40)
        order_date = serializers.DateField()

    @extend_schema(
        request=Input,
        responses={201: CreatedOutput},
        summary="Срок выставления отметок по приказу школы (заместитель директора, MRK-3)",
    )
    def post(self, request: Request, year_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v: dict[str, Any] = dict(data.validated_data)
        if not scope_for(request.user).is_staff:
            return Response({"detail": "Не найдено.", "errors": {}}, status=404)
        year = get_object_or_404(AcademicYear, pk=year_id)
        period_id = v.pop("period_id", None)
        period = get_object_or_404(ReportingPeriod, pk=period_id, year=year) if period_id else None
        row = services.mark_deadline_set(year=year, period=period, by=request.user, **v)
        return Response({"id": row.pk}, status=status.HTTP_201_CREATED)


class PupilYearMarksApi(JournalApiView):
    class Filters(serializers.Serializer):
        year_id = serializers.IntegerField(
            required=False, help_text="Учебный год (по умолчанию текущий)"
        )

    class Output(serializers.Serializer):
        class Year(serializers.Serializer):
            id = serializers.IntegerField()
            title = serializers.CharField()

        class Period(serializers.Serializer):
            id = serializers.IntegerField()
            title = serializers.CharField()

        class Subject(serializers.Serializer):
            assignment_id = serializers.IntegerField()
            subject = serializers.CharField()
            marks = serializers.ListField(child=serializers.IntegerField())
            average = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
            periods = serializers.DictField(
                child=serializers.CharField(), help_text="Ключ — id периода"
            )
            year = serializers.CharField(allow_null=True)
            exam = serializers.CharField(allow_null=True)
            final = serializers.CharField(allow_null=True)

        pupil_id = serializers.IntegerField()
        year = Year()
        years = Year(many=True)
        periods = Period(many=True)
        subjects = Subject(many=True)

    @extend_schema(
        parameters=[Filters],
        responses=Output,
        summary="Отметки обучающегося за учебный год: текущие, за периоды, годовые, "
        "экзаменационные, итоговые (DIA-2, DIA-6)",
    )
    def get(self, request: Request, pupil_id: int) -> Response:
        result = selectors.pupil_year_marks(
            pupil_id=pupil_id, for_user=request.user, **query_filters(request, self.Filters)
        )
        return Response(
            self.Output(
                {
                    "pupil_id": result.pupil.pk,
                    "year": result.year,
                    "years": result.years,
                    "periods": result.periods,
                    "subjects": [
                        {**s.__dict__, "periods": {str(k): v for k, v in s.periods.items()}}
                        for s in result.subjects
                    ],
                }
            ).data
        )


class SubstitutionJournalApi(JournalApiView):
    pagination_class = Pagination  # documented as the page envelope

    class Filters(DateRangeFilters):
        teacher_id = serializers.IntegerField(
            required=False, help_text="Сотрудник: замещал или был замещён"
        )
        year_id = serializers.IntegerField(required=False, help_text="Учебный год")

    class Output(serializers.Serializer):
        lesson_id = serializers.IntegerField(source="pk")
        date = serializers.DateField()
        slot = serializers.IntegerField()
        class_group = serializers.CharField(source="assignment.class_group.title")
        subject = serializers.CharField(source="assignment.subject.title")
        substitute_id = serializers.IntegerField()
        substitute = serializers.CharField(source="substitute.user.full_name")
        absent_teacher_id = serializers.IntegerField(source="substituted_teacher_id")
        absent_teacher = serializers.CharField(
            source="substituted_teacher.user.full_name", allow_null=True
        )
        reason = serializers.CharField(source="substitution_reason")
        granted_by = serializers.CharField(
            source="substitution_granted_by.full_name", allow_null=True
        )
        granted_at = serializers.DateTimeField(source="substitution_granted_at")

    @extend_schema(
        parameters=[Filters],
        responses=Output(many=True),
        summary="Журнал замещения уроков (ROLE-5)",
    )
    def get(self, request: Request) -> Response:
        qs = selectors.substitution_journal(
            for_user=request.user, **query_filters(request, self.Filters)
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(self.Output(page, many=True).data)
