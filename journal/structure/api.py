"""School structure API (SET-1..3): one view per operation."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import roles
from journal.access import JournalApiView
from journal.structure import selectors, services
from journal.structure.models import (
    AcademicYear,
    ClassGroup,
    ScheduleBreak,
    StaffMember,
    Subgroup,
    Subject,
    TeachingAssignment,
)


class ClassOutput(serializers.ModelSerializer):
    class Meta:
        model = ClassGroup
        fields = ["id", "year_id", "grade", "letter", "title", "class_teacher_id"]


class ClassListApi(JournalApiView):
    @extend_schema(responses=ClassOutput(many=True), summary="Классы")
    def get(self, request: Request) -> Response:
        return Response(ClassOutput(selectors.class_list(for_user=request.user), many=True).data)


class ClassCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        year_id = serializers.PrimaryKeyRelatedField(queryset=AcademicYear.objects.all())
        grade = serializers.IntegerField()
        letter = serializers.CharField(max_length=3)
        class_teacher_id = serializers.PrimaryKeyRelatedField(
            queryset=StaffMember.objects.all(), required=False, allow_null=True
        )

    @extend_schema(request=Input, responses=ClassOutput, summary="Создать класс (SET-2)")
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        group = services.class_group_create(
            year=v["year_id"],
            grade=v["grade"],
            letter=v["letter"],
            class_teacher=v.get("class_teacher_id"),
            by=request.user,
        )
        return Response(ClassOutput(group).data, status=201)


class SubjectCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        short_title = serializers.CharField(max_length=40, required=False, allow_blank=True)
        is_physical_education = serializers.BooleanField(required=False, default=False)

    @extend_schema(request=Input, summary="Создать предмет")
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        subject = services.subject_create(by=request.user, **data.validated_data)
        return Response({"id": subject.pk, "title": subject.title}, status=201)


class StaffCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        last_name = serializers.CharField(max_length=150)
        first_name = serializers.CharField(max_length=150)
        patronymic = serializers.CharField(max_length=150, required=False, allow_blank=True)
        email = serializers.EmailField(required=False, allow_blank=True)
        roles = serializers.ListField(
            child=serializers.ChoiceField(choices=list(services.STAFF_ROLE_NAMES)),
            default=[roles.TEACHER],
        )
        position = serializers.CharField(max_length=200, required=False, allow_blank=True)

    @extend_schema(request=Input, summary="Добавить сотрудника (SET-3)")
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v: dict[str, Any] = dict(data.validated_data)
        member = services.staff_member_create(role_names=v.pop("roles"), by=request.user, **v)
        return Response({"id": member.pk, "user_id": member.user_id}, status=201)


class AssignmentCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        teacher_id = serializers.PrimaryKeyRelatedField(
            queryset=StaffMember.objects.select_related("user")
        )
        subject_id = serializers.PrimaryKeyRelatedField(queryset=Subject.objects.all())
        class_group_id = serializers.PrimaryKeyRelatedField(queryset=ClassGroup.objects.all())
        subgroup_id = serializers.PrimaryKeyRelatedField(
            queryset=Subgroup.objects.all(), required=False, allow_null=True
        )
        weekly_hours = serializers.DecimalField(max_digits=4, decimal_places=1)

    @extend_schema(request=Input, summary="Закрепить нагрузку (SET-3)")
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        assignment = services.teaching_assignment_create(
            teacher=v["teacher_id"],
            subject=v["subject_id"],
            class_group=v["class_group_id"],
            subgroup=v.get("subgroup_id"),
            weekly_hours=v["weekly_hours"],
            by=request.user,
        )
        return Response({"id": assignment.pk}, status=201)


class TimetableEntryCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        assignment_id = serializers.PrimaryKeyRelatedField(
            queryset=TeachingAssignment.objects.select_related("year")
        )
        weekday = serializers.IntegerField(min_value=1, max_value=6)
        slot = serializers.IntegerField(min_value=1, max_value=12)
        room = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")

    @extend_schema(request=Input, summary="Строка расписания; накладки отклоняются (SET-3)")
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        entry = services.timetable_entry_create(
            assignment=v["assignment_id"],
            weekday=v["weekday"],
            slot=v["slot"],
            room=v["room"],
            by=request.user,
        )
        return Response({"id": entry.pk}, status=201)


class TimetableListApi(JournalApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter("class_group_id", int),
            OpenApiParameter("teacher_id", int),
            OpenApiParameter("room", str),
        ],
        summary="Расписание класса, учителя или кабинета",
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        entries = selectors.timetable(
            for_user=request.user,
            class_group_id=int(params["class_group_id"]) if params.get("class_group_id") else None,
            teacher_id=int(params["teacher_id"]) if params.get("teacher_id") else None,
            room=params.get("room") or None,
        )
        return Response(
            [
                {
                    "id": e.pk,
                    "weekday": e.weekday,
                    "slot": e.slot,
                    "room": e.room,
                    "class_group": e.class_group.title,
                    "subject": e.assignment.subject.title,
                    "teacher_id": e.teacher_id,
                    "assignment_id": e.assignment_id,
                }
                for e in entries
            ]
        )


class ScheduleBreakCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        year_id = serializers.PrimaryKeyRelatedField(queryset=AcademicYear.objects.all())
        kind = serializers.ChoiceField(choices=ScheduleBreak.Kind.choices)
        title = serializers.CharField(max_length=200)
        starts_on = serializers.DateField()
        ends_on = serializers.DateField()
        class_group_ids = serializers.ListField(child=serializers.IntegerField(), default=list)

    @extend_schema(request=Input, summary="Каникулы, карантин, изменение расписания (SET-1)")
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v: dict[str, Any] = dict(data.validated_data)
        item = services.schedule_break_create(year=v.pop("year_id"), by=request.user, **v)
        return Response({"id": item.pk}, status=201)
