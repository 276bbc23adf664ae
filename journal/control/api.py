"""Remarks API (CTL-1)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import Pagination
from journal.access import CreatedOutput, DateRangeFilters, JournalApiView, query_filters
from journal.control import selectors, services
from journal.control.models import Remark
from journal.register.models import Lesson
from journal.structure.selectors import assignment_for_reading


class RemarkOutput(serializers.Serializer):
    id = serializers.IntegerField()
    assignment_id = serializers.IntegerField()
    journal = serializers.SerializerMethodField(help_text="Класс и предмет")
    teacher = serializers.CharField(source="assignment.teacher")
    lesson_id = serializers.IntegerField(allow_null=True)
    lesson_date = serializers.DateField(source="lesson.date", allow_null=True, default=None)
    text = serializers.CharField()
    written_by = serializers.CharField(source="written_by.full_name")
    written_at = serializers.DateTimeField()
    due_on = serializers.DateField()
    mended_at = serializers.DateTimeField(allow_null=True)
    mend_note = serializers.CharField()
    status = serializers.SerializerMethodField()

    def get_journal(self, obj: Remark) -> str:
        return f"{obj.assignment.class_group.title} {obj.assignment.subject.title}"

    def get_status(self, obj: Remark) -> str:
        return selectors.remark_status(obj)


class RemarkListApi(JournalApiView):
    pagination_class = Pagination  # documented as the page envelope

    class Filters(DateRangeFilters):
        status = serializers.ChoiceField(choices=Remark.Status.choices, required=False)
        assignment_id = serializers.IntegerField(required=False)
        year_id = serializers.IntegerField(required=False, help_text="Учебный год")

    @extend_schema(
        parameters=[Filters],
        responses=RemarkOutput(many=True),
        summary="Замечания по ведению журнала: свои (учитель) или все (заместитель) (CTL-1)",
    )
    def get(self, request: Request) -> Response:
        qs = selectors.remark_list(for_user=request.user, **query_filters(request, self.Filters))
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(RemarkOutput(page, many=True).data)


class RemarkCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        assignment_id = serializers.IntegerField()
        lesson_id = serializers.IntegerField(required=False, allow_null=True)
        text = serializers.CharField(max_length=2000)

    @extend_schema(
        request=Input,
        responses={201: CreatedOutput},
        summary="Записать замечание по ведению журнала (заместитель директора, CTL-1)",
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        assignment, _scope = assignment_for_reading(
            assignment_id=v["assignment_id"], for_user=request.user
        )
        lesson = get_object_or_404(Lesson, pk=v["lesson_id"]) if v.get("lesson_id") else None
        remark = services.remark_create(
            assignment=assignment, lesson=lesson, text=v["text"], by=request.user
        )
        return Response({"id": remark.pk}, status=status.HTTP_201_CREATED)


class RemarkMendApi(JournalApiView):
    class Input(serializers.Serializer):
        note = serializers.CharField(max_length=500)

    @extend_schema(
        request=Input, responses=RemarkOutput, summary="Отметить замечание устранённым (CTL-1)"
    )
    def post(self, request: Request, remark_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        remark = selectors.remark_for_mending(remark_id=remark_id, for_user=request.user)
        remark = services.remark_mend(
            remark=remark, note=data.validated_data["note"], by=request.user
        )
        shown = selectors.remark_list(for_user=request.user).get(pk=remark.pk)
        return Response(RemarkOutput(shown).data)


class RemarkSummaryApi(JournalApiView):
    class Filters(DateRangeFilters):
        year_id = serializers.IntegerField(required=False, help_text="Учебный год")

    class Output(serializers.Serializer):
        teacher_id = serializers.IntegerField()
        teacher = serializers.CharField()
        total = serializers.IntegerField()
        open = serializers.IntegerField()
        overdue = serializers.IntegerField()
        mended = serializers.IntegerField()
        mended_late = serializers.IntegerField()

    @extend_schema(
        parameters=[Filters],
        responses=Output(many=True),
        summary="Итоги замечаний по учителям: устранено, просрочено (CTL-1)",
    )
    def get(self, request: Request) -> Response:
        rows = selectors.remark_summary(
            for_user=request.user, **query_filters(request, self.Filters)
        )
        return Response(self.Output(rows, many=True).data)
