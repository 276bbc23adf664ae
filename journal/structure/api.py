"""School structure API (SET-1..3): one view per operation."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import roles
from core.api import SchoolObjectField
from core.openapi import HourMinuteField
from journal.access import CreatedOutput, JournalApiView, query_filters
from journal.structure import selectors, services
from journal.structure.models import (
    AcademicYear,
    ClassGroup,
    ReportingPeriod,
    ScheduleBreak,
    SchoolOrder,
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
    class Filters(serializers.Serializer):
        year_id = serializers.IntegerField(required=False, help_text="Учебный год")
        grade = serializers.IntegerField(
            required=False, min_value=1, max_value=11, help_text="Параллель"
        )

    @extend_schema(parameters=[Filters], responses=ClassOutput(many=True), summary="Классы")
    def get(self, request: Request) -> Response:
        filters = query_filters(request, self.Filters)
        classes = selectors.class_list(for_user=request.user, **filters)
        return Response(ClassOutput(classes, many=True).data)


class ClassCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        year_id = SchoolObjectField(queryset=AcademicYear.objects.all())
        grade = serializers.IntegerField()
        letter = serializers.CharField(max_length=3)
        class_teacher_id = SchoolObjectField(
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

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        title = serializers.CharField()

    @extend_schema(request=Input, responses={201: Output}, summary="Создать предмет")
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

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        user_id = serializers.IntegerField()

    @extend_schema(request=Input, responses={201: Output}, summary="Добавить сотрудника (SET-3)")
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v: dict[str, Any] = dict(data.validated_data)
        member = services.staff_member_create(role_names=v.pop("roles"), by=request.user, **v)
        return Response({"id": member.pk, "user_id": member.user_id}, status=201)


class AssignmentCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        teacher_id = SchoolObjectField(queryset=StaffMember.objects.select_related("user"))
        subject_id = SchoolObjectField(queryset=Subject.objects.all())
        class_group_id = SchoolObjectField(queryset=ClassGroup.objects.all())
        subgroup_id = SchoolObjectField(
            queryset=Subgroup.objects.all(), required=False, allow_null=True
        )
        weekly_hours = serializers.DecimalField(max_digits=4, decimal_places=1)

    @extend_schema(
        request=Input, responses={201: CreatedOutput}, summary="Закрепить нагрузку (SET-3)"
    )
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
        assignment_id = SchoolObjectField(
            queryset=TeachingAssignment.objects.select_related("year")
        )
        weekday = serializers.IntegerField(min_value=1, max_value=6)
        slot = serializers.IntegerField(min_value=1, max_value=12)
        room = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")

    @extend_schema(
        request=Input,
        responses={201: CreatedOutput},
        summary="Строка расписания; накладки отклоняются (SET-3)",
    )
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
    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        weekday = serializers.IntegerField(help_text="1 — понедельник")
        slot = serializers.IntegerField(help_text="Номер урока")
        room = serializers.CharField()
        class_group = serializers.CharField()
        subject = serializers.CharField()
        teacher_id = serializers.IntegerField()
        assignment_id = serializers.IntegerField()

    class Filters(serializers.Serializer):
        class_group_id = serializers.IntegerField(required=False, help_text="Класс")
        teacher_id = serializers.IntegerField(required=False, help_text="Учитель (сотрудник)")
        room = serializers.CharField(required=False, max_length=20, help_text="Кабинет")

    @extend_schema(
        parameters=[Filters],
        responses=Output(many=True),
        summary="Расписание класса, учителя или кабинета (хотя бы один фильтр)",
    )
    def get(self, request: Request) -> Response:
        entries = selectors.timetable(for_user=request.user, **query_filters(request, self.Filters))
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
        year_id = SchoolObjectField(queryset=AcademicYear.objects.all())
        kind = serializers.ChoiceField(choices=ScheduleBreak.Kind.choices)
        title = serializers.CharField(max_length=200)
        starts_on = serializers.DateField()
        ends_on = serializers.DateField()
        class_group_ids = serializers.ListField(child=serializers.IntegerField(), default=list)
        order_id = serializers.PrimaryKeyRelatedField(
            queryset=SchoolOrder.objects.all(),
            required=False,
            allow_null=True,
            help_text="Приказ директора, на основании которого меняется график (004 §6.6)",
        )

    @extend_schema(
        request=Input,
        responses={201: CreatedOutput},
        summary="Каникулы, карантин, изменение расписания (SET-1)",
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v: dict[str, Any] = dict(data.validated_data)
        item = services.schedule_break_create(
            year=v.pop("year_id"), order=v.pop("order_id", None), by=request.user, **v
        )
        return Response({"id": item.pk}, status=201)


# ---------------------------------------------------------------- the director's orders (TPL-6)


class OrderOutput(serializers.ModelSerializer):
    class Meta:
        model = SchoolOrder
        fields = [
            "id",
            "kind",
            "number",
            "signed_on",
            "title",
            "in_force_from",
            "cancelled_on",
            "cancelled_by_id",
            "regulation_version_id",
        ]


class SchoolOrderListApi(JournalApiView):
    class Filters(serializers.Serializer):
        kind = serializers.ChoiceField(choices=SchoolOrder.Kind.choices, required=False)

    @extend_schema(
        parameters=[Filters], responses=OrderOutput(many=True), summary="Приказы (TPL-6)"
    )
    def get(self, request: Request) -> Response:
        filters = query_filters(request, self.Filters)
        orders = selectors.school_order_list(for_user=request.user, **filters)
        return Response(OrderOutput(orders, many=True).data)


class RegulationOrderCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        regulation_version_id = serializers.IntegerField(
            help_text="Опубликованная редакция положения из каталога оператора"
        )
        number = serializers.CharField(max_length=40)
        signed_on = serializers.DateField()
        in_force_from = serializers.DateField(required=False, allow_null=True)
        title = serializers.CharField(max_length=300, required=False)

    @extend_schema(
        request=Input,
        responses={201: OrderOutput},
        summary="Приказ о введении в действие положения об ЭЖ (TPL-6)",
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.regulation_order_record(by=request.user, **data.validated_data)
        return Response(OrderOutput(order).data, status=201)


class ScheduleOrderCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        number = serializers.CharField(max_length=40)
        signed_on = serializers.DateField()
        title = serializers.CharField(max_length=300)
        in_force_from = serializers.DateField(required=False, allow_null=True)
        replaces_id = serializers.PrimaryKeyRelatedField(
            queryset=SchoolOrder.objects.all(),
            required=False,
            allow_null=True,
            help_text="Приказ, который этот отменяет (новая редакция)",
        )

    @extend_schema(
        request=Input,
        responses={201: OrderOutput},
        summary="Приказ об изменении графика работы (004 §6.6, TPL-6)",
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v: dict[str, Any] = dict(data.validated_data)
        order = services.schedule_order_record(
            replaces=v.pop("replaces_id", None), by=request.user, **v
        )
        return Response(OrderOutput(order).data, status=201)


# ---------------------------------------------------------------- school years (SET-1)


class PeriodOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    grade_from = serializers.IntegerField()
    grade_to = serializers.IntegerField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    marks_due = serializers.DateField(allow_null=True)


class BellOutput(serializers.Serializer):
    number = serializers.IntegerField()
    starts_at = HourMinuteField()
    ends_at = HourMinuteField()


class YearOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    days_per_week = serializers.IntegerField()
    is_current = serializers.BooleanField()
    rules_version_id = serializers.IntegerField(
        allow_null=True, help_text="Редакция положения об ЭЖ, действовавшая при создании года"
    )
    periods = PeriodOutput(many=True, source="periods.all")
    bells = BellOutput(many=True, source="bell_slots.all")


class AcademicYearListApi(JournalApiView):
    @extend_schema(responses=YearOutput(many=True), summary="Учебные годы, периоды, звонки")
    def get(self, request: Request) -> Response:
        years = selectors.academic_year_list(for_user=request.user)
        return Response(YearOutput(years, many=True).data)


class AcademicYearCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        class Period(serializers.Serializer):
            kind = serializers.ChoiceField(choices=ReportingPeriod.Kind.choices)
            number = serializers.IntegerField(min_value=1, max_value=6)
            starts_on = serializers.DateField()
            ends_on = serializers.DateField()
            grade_from = serializers.IntegerField(min_value=1, max_value=11, default=1)
            grade_to = serializers.IntegerField(min_value=1, max_value=11, default=11)
            title = serializers.CharField(max_length=40, required=False, default="")

        title = serializers.RegexField(
            r"^\d{4}/\d{4}$",
            max_length=9,
            error_messages={"invalid": "Учебный год в виде 2025/2026."},
        )
        starts_on = serializers.DateField()
        ends_on = serializers.DateField()
        days_per_week = serializers.ChoiceField(choices=[5, 6], default=5)
        make_current = serializers.BooleanField(default=True)
        periods = Period(
            many=True,
            required=False,
            help_text=(
                "Не указаны — периоды и каникулы по принятой схеме из календаря "
                "муниципального оператора (TPL-2)"
            ),
        )

    @extend_schema(
        request=Input, responses={201: YearOutput}, summary="Создать учебный год (SET-1)"
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v: dict[str, Any] = dict(data.validated_data)
        periods = v.pop("periods", None)
        year = services.academic_year_create(
            periods=[services.PeriodSpec(**p) for p in periods] if periods is not None else None,
            by=request.user,
            **v,
        )
        return Response(YearOutput(year).data, status=201)


class AcademicYearPeriodsRederiveApi(JournalApiView):
    @extend_schema(
        request=None,
        responses=YearOutput,
        summary="Периоды года, который не начался, — заново по принятой схеме (TPL-2)",
    )
    def post(self, request: Request, year_id: int) -> Response:
        year = selectors.academic_year_get(year_id=year_id, for_user=request.user)
        year = services.academic_year_periods_rederive(year=year, by=request.user)
        return Response(YearOutput(year).data)


class BellScheduleSetApi(JournalApiView):
    class Input(serializers.Serializer):
        class Slot(serializers.Serializer):
            number = serializers.IntegerField(min_value=1, max_value=12)
            starts_at = serializers.TimeField()
            ends_at = serializers.TimeField()

        slots = Slot(many=True, allow_empty=False)

    @extend_schema(
        request=Input,
        responses=BellOutput(many=True),
        summary="Расписание звонков учебного года (SET-1)",
    )
    def post(self, request: Request, year_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        year = selectors.academic_year_get(year_id=year_id, for_user=request.user)
        slots = services.bell_schedule_set(
            year=year,
            slots=[
                (s["number"], s["starts_at"], s["ends_at"]) for s in data.validated_data["slots"]
            ],
            by=request.user,
        )
        return Response(BellOutput(slots, many=True).data)


# ---------------------------------------------------------------- class teacher, subgroups (SET-2)


class ClassTeacherSetApi(JournalApiView):
    class Input(serializers.Serializer):
        teacher_id = SchoolObjectField(
            queryset=StaffMember.objects.select_related("user"), allow_null=True
        )

    @extend_schema(request=Input, responses=ClassOutput, summary="Сменить классного руководителя")
    def post(self, request: Request, class_group_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        group = selectors.class_group_get(class_group_id=class_group_id, for_user=request.user)
        group = services.class_teacher_set(
            class_group=group, teacher=data.validated_data["teacher_id"], by=request.user
        )
        return Response(ClassOutput(group).data)


class SubgroupListApi(JournalApiView):
    class Output(serializers.Serializer):
        class Group(serializers.Serializer):
            id = serializers.IntegerField()
            title = serializers.CharField()
            pupil_ids = serializers.ListField(child=serializers.IntegerField())

        subject_id = serializers.IntegerField()
        subject = serializers.CharField()
        subgroups = Group(many=True)
        unassigned_pupil_ids = serializers.ListField(
            child=serializers.IntegerField(), help_text="Ученики класса вне подгрупп предмета"
        )

    @extend_schema(responses=Output(many=True), summary="Подгруппы класса по предметам (SET-2)")
    def get(self, request: Request, class_group_id: int) -> Response:
        splits = selectors.subgroup_list(class_group_id=class_group_id, for_user=request.user)
        return Response(
            [
                {
                    "subject_id": s.subject_id,
                    "subject": s.subject,
                    "subgroups": [
                        {"id": g.pk, "title": g.title, "pupil_ids": ids} for g, ids in s.subgroups
                    ],
                    "unassigned_pupil_ids": s.unassigned_pupil_ids,
                }
                for s in splits
            ]
        )


class SubgroupCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        class_group_id = SchoolObjectField(queryset=ClassGroup.objects.all())
        subject_id = SchoolObjectField(queryset=Subject.objects.all())
        title = serializers.CharField(max_length=60)

    @extend_schema(
        request=Input, responses={201: CreatedOutput}, summary="Создать подгруппу (SET-2)"
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        subgroup = services.subgroup_create(
            class_group=v["class_group_id"],
            subject=v["subject_id"],
            title=v["title"],
            by=request.user,
        )
        return Response({"id": subgroup.pk}, status=201)


class SubgroupSplitApi(JournalApiView):
    class Input(serializers.Serializer):
        class Group(serializers.Serializer):
            subgroup_id = serializers.IntegerField()
            pupil_ids = serializers.ListField(child=serializers.IntegerField())

        subject_id = SchoolObjectField(queryset=Subject.objects.all())
        subgroups = Group(many=True, allow_empty=False)

    class Output(serializers.Serializer):
        subgroup_id = serializers.IntegerField()
        pupils = serializers.IntegerField()

    @extend_schema(
        request=Input,
        responses=Output(many=True),
        summary="Состав подгрупп: каждый ученик класса ровно в одной (SET-2)",
    )
    def post(self, request: Request, class_group_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        group = selectors.class_group_get(class_group_id=class_group_id, for_user=request.user)
        v = data.validated_data
        counts = services.subgroups_split(
            class_group=group,
            subject=v["subject_id"],
            members={g["subgroup_id"]: g["pupil_ids"] for g in v["subgroups"]},
            by=request.user,
        )
        return Response([{"subgroup_id": k, "pupils": n} for k, n in counts.items()])
