"""Pupils, parents, consent and movement API (SET-4, SET-5)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import Pagination, SchoolObjectField
from journal.access import CreatedOutput, JournalApiView, query_filters
from journal.roster import selectors, services
from journal.roster.models import Guardian, GuardianLink, Movement
from journal.structure.models import ClassGroup


class PupilOutput(serializers.Serializer):
    id = serializers.IntegerField()
    last_name = serializers.CharField(source="user.last_name")
    first_name = serializers.CharField(source="user.first_name")
    patronymic = serializers.CharField(source="user.patronymic")
    class_group_id = serializers.IntegerField(allow_null=True)


class PupilDetailOutput(PupilOutput):
    birth_date = serializers.DateField(allow_null=True)


class PupilListApi(JournalApiView):
    pagination_class = Pagination  # documented as the page envelope

    class Filters(serializers.Serializer):
        class_group_id = serializers.IntegerField(required=False, help_text="Класс")
        grade = serializers.IntegerField(
            required=False, min_value=1, max_value=11, help_text="Параллель"
        )
        search = serializers.CharField(required=False, max_length=150, help_text="Начало фамилии")

    @extend_schema(
        parameters=[Filters],
        responses=PupilOutput(many=True),
        summary="Обучающиеся (в пределах прав)",
    )
    def get(self, request: Request) -> Response:
        qs = selectors.pupil_list(for_user=request.user, **query_filters(request, self.Filters))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self) or []
        from journal.audit.services import access_log

        access_log(
            user=request.user,
            action="read",
            what="roster.pupil_list",
            pupil_ids=[p.pk for p in page],
        )
        return paginator.get_paginated_response(PupilOutput(page, many=True).data)


class PupilDetailApi(JournalApiView):
    @extend_schema(responses=PupilDetailOutput, summary="Карточка обучающегося")
    def get(self, request: Request, pupil_id: int) -> Response:
        pupil = selectors.pupil_get(pupil_id=pupil_id, for_user=request.user)
        return Response(PupilDetailOutput(pupil).data)


class PupilCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        last_name = serializers.CharField(max_length=150)
        first_name = serializers.CharField(max_length=150)
        patronymic = serializers.CharField(max_length=150, required=False, allow_blank=True)
        birth_date = serializers.DateField(required=False, allow_null=True)
        class_group_id = SchoolObjectField(queryset=ClassGroup.objects.all())
        enrolled_on = serializers.DateField()
        order_number = serializers.CharField(max_length=40)

    @extend_schema(request=Input, responses=PupilOutput, summary="Зачислить обучающегося")
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v: dict[str, Any] = dict(data.validated_data)
        pupil = services.pupil_create(class_group=v.pop("class_group_id"), by=request.user, **v)
        return Response(PupilOutput(pupil).data, status=201)


class ConsentCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        signed_on = serializers.DateField()
        scan_reference = serializers.CharField(max_length=300)
        guardian_id = SchoolObjectField(
            queryset=Guardian.objects.all(), required=False, allow_null=True
        )

    @extend_schema(
        request=Input, responses={201: CreatedOutput}, summary="Внести письменное согласие (SET-5)"
    )
    def post(self, request: Request, pupil_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        pupil = selectors.pupil_get(pupil_id=pupil_id, for_user=request.user)
        v = data.validated_data
        consent = services.consent_record(
            pupil=pupil,
            signed_on=v["signed_on"],
            scan_reference=v["scan_reference"],
            guardian=v.get("guardian_id"),
            by=request.user,
        )
        return Response({"id": consent.pk}, status=201)


class GuardianLinkCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        guardian_id = SchoolObjectField(queryset=Guardian.objects.all())
        relation = serializers.ChoiceField(choices=GuardianLink.Relation.choices)

    @extend_schema(
        request=Input,
        responses={201: CreatedOutput},
        summary="Связать родителя с обучающимся (SET-4)",
    )
    def post(self, request: Request, pupil_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        pupil = selectors.pupil_get(pupil_id=pupil_id, for_user=request.user)
        link = services.guardian_link_create(
            guardian=data.validated_data["guardian_id"],
            pupil=pupil,
            relation=data.validated_data["relation"],
            by=request.user,
        )
        return Response({"id": link.pk}, status=201)


class MovementCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        kind = serializers.ChoiceField(choices=Movement.Kind.choices)
        on_date = serializers.DateField()
        order_number = serializers.CharField(max_length=40)
        class_to_id = SchoolObjectField(
            queryset=ClassGroup.objects.all(), required=False, allow_null=True
        )
        other_school = serializers.CharField(max_length=300, required=False, allow_blank=True)

    @extend_schema(
        request=Input, responses={201: CreatedOutput}, summary="Движение обучающегося (SET-4)"
    )
    def post(self, request: Request, pupil_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        pupil = selectors.pupil_get(pupil_id=pupil_id, for_user=request.user)
        v: dict[str, Any] = dict(data.validated_data)
        movement = services.pupil_move(
            pupil=pupil, class_to=v.pop("class_to_id", None), by=request.user, **v
        )
        return Response({"id": movement.pk}, status=201)


class ClassListOnDateApi(JournalApiView):
    @extend_schema(
        parameters=[OpenApiParameter("on", str)],
        responses=PupilOutput(many=True),
        summary="Список класса на дату (SET-4)",
    )
    def get(self, request: Request, class_group_id: int) -> Response:
        on = serializers.DateField().to_internal_value(request.query_params.get("on", ""))
        pupils = selectors.class_list_on(
            class_group_id=class_group_id, on_date=on, for_user=request.user
        )
        return Response(PupilOutput(pupils, many=True).data)


class GuardianCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        last_name = serializers.CharField(max_length=150)
        first_name = serializers.CharField(max_length=150)
        patronymic = serializers.CharField(max_length=150, required=False, allow_blank=True)
        phone = serializers.RegexField(
            r"^\+?[\d\s()-]{5,20}$",
            required=False,
            allow_blank=True,
            error_messages={"invalid": "Телефон: цифры, пробелы, скобки и дефис."},
        )
        email = serializers.EmailField(required=False, allow_blank=True)

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        user_id = serializers.IntegerField()
        last_name = serializers.CharField(source="user.last_name")
        first_name = serializers.CharField(source="user.first_name")

    @extend_schema(
        request=Input,
        responses={201: Output},
        summary="Добавить родителя (законного представителя) (SET-4)",
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        guardian = services.guardian_create(by=request.user, **data.validated_data)
        return Response(self.Output(guardian).data, status=201)
