"""Staff API of the school's identity records: temporary pupil logins (SEC-2), invitation
codes and verified attributes for linking (SEC-1), password resets (SEC-3), participation
(DIA-4). Thin: parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from journal.identity import selectors, services
from journal.identity.models import TemporaryLogin
from journal.roster.models import Pupil


def _secret_response(data: dict[str, Any], code: int = status.HTTP_201_CREATED) -> Response:
    response = Response(data, status=code)
    response["Cache-Control"] = "no-store"
    return response


# Component names in the OpenAPI schema are the class names: unique across the school API.


class TemporaryLoginIssueInput(serializers.Serializer):
    pupil_id = serializers.IntegerField()
    request_reason = serializers.CharField(max_length=500)
    request_date = serializers.DateField()
    valid_days = serializers.IntegerField(required=False, min_value=1)


class TemporaryLoginIssued(serializers.Serializer):
    """Shown once (Cache-Control: no-store)."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    password = serializers.CharField()
    expires_at = serializers.DateTimeField()


class TemporaryLoginRevoked(serializers.Serializer):
    id = serializers.IntegerField()
    revoked_at = serializers.DateTimeField()


class InvitationIssueInput(serializers.Serializer):
    user_id = serializers.IntegerField()


class InvitationIssued(serializers.Serializer):
    """The code is shown once (Cache-Control: no-store); only its hash is kept."""

    code = serializers.CharField()
    expires_at = serializers.DateTimeField()


class IdentityAttributeInput(serializers.Serializer):
    user_id = serializers.IntegerField()
    snils = serializers.CharField(max_length=20)


class Detail(serializers.Serializer):
    detail = serializers.CharField()


class StaffPasswordResetInput(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class StaffPasswordResetOutput(serializers.Serializer):
    """Shown once (Cache-Control: no-store); the change is forced at the next sign-in."""

    username = serializers.CharField()
    password = serializers.CharField()


class ParentSignIn(serializers.Serializer):
    name = serializers.CharField()
    last_sign_in = serializers.DateTimeField(allow_null=True)


class ParticipationRow(serializers.Serializer):
    pupil_id = serializers.IntegerField()
    pupil_name = serializers.CharField()
    pupil_last_sign_in = serializers.DateTimeField(allow_null=True)
    parents = ParentSignIn(many=True)


class TemporaryLoginListApi(APIView):
    InputSerializer = TemporaryLoginIssueInput

    class OutputSerializer(serializers.ModelSerializer):
        pupil_name = serializers.CharField(source="pupil.user.full_name")
        issued_by_name = serializers.CharField(source="issued_by.full_name")

        class Meta:
            model = TemporaryLogin
            fields = [
                "id",
                "pupil_id",
                "pupil_name",
                "request_reason",
                "request_date",
                "issued_by_name",
                "issued_at",
                "expires_at",
                "first_used_at",
                "password_changed_at",
                "revoked_at",
            ]
            ref_name = "TemporaryLogin"

    @extend_schema(responses=OutputSerializer(many=True), summary="Временные логины обучающихся")
    def get(self, request: Request) -> Response:
        qs = selectors.temporary_login_list(for_user=request.user)
        return Response(self.OutputSerializer(qs, many=True).data)

    @extend_schema(
        request=TemporaryLoginIssueInput,
        responses={201: TemporaryLoginIssued},
        summary="Выдать временный логин обучающемуся",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pupil = get_object_or_404(Pupil, pk=data.validated_data["pupil_id"])
        record, username, password = services.temporary_login_issue(
            pupil=pupil,
            request_reason=data.validated_data["request_reason"],
            request_date=data.validated_data["request_date"],
            valid_days=data.validated_data.get("valid_days"),
            by=request.user,
        )
        return _secret_response(
            {
                "id": record.pk,
                "username": username,
                "password": password,
                "expires_at": record.expires_at,
            }
        )


class TemporaryLoginRevokeApi(APIView):
    @extend_schema(
        request=None, responses=TemporaryLoginRevoked, summary="Отозвать временный логин"
    )
    def post(self, request: Request, temporary_login_id: int) -> Response:
        record = get_object_or_404(
            TemporaryLogin.objects.select_related("pupil__user"), pk=temporary_login_id
        )
        record = services.temporary_login_revoke(temporary_login=record, by=request.user)
        return Response({"id": record.pk, "revoked_at": record.revoked_at})


class InvitationIssueApi(APIView):
    InputSerializer = InvitationIssueInput

    @extend_schema(
        request=InvitationIssueInput,
        responses={201: InvitationIssued},
        summary="Код приглашения родителю или обучающемуся",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = get_object_or_404(User, pk=data.validated_data["user_id"])
        invitation, code = services.invitation_issue(person=person, by=request.user)
        return _secret_response({"code": code, "expires_at": invitation.expires_at})


class IdentityAttributeApi(APIView):
    InputSerializer = IdentityAttributeInput

    @extend_schema(
        request=IdentityAttributeInput,
        responses={201: OpenApiResponse(Detail, description="СНИЛС внесён (хранится хэш)")},
        summary="Подтверждённый СНИЛС родителя или обучающегося",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = get_object_or_404(User, pk=data.validated_data["user_id"])
        services.identity_attribute_record(
            person=person, snils=data.validated_data["snils"], by=request.user
        )
        return Response({"detail": "СНИЛС внесён."}, status=status.HTTP_201_CREATED)


class StaffPasswordResetApi(APIView):
    InputSerializer = StaffPasswordResetInput

    @extend_schema(
        request=StaffPasswordResetInput,
        responses={201: StaffPasswordResetOutput},
        summary="Сбросить пароль сотрудника",
    )
    def post(self, request: Request, user_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = get_object_or_404(User, pk=user_id)
        password = services.staff_password_reset(
            user=user, by=request.user, reason=data.validated_data.get("reason", "")
        )
        return _secret_response({"username": user.get_username(), "password": password})


class ParticipationApi(APIView):
    @extend_schema(
        responses=ParticipationRow(many=True), summary="Входы обучающихся и родителей класса"
    )
    def get(self, request: Request, class_group_id: int) -> Response:
        rows = selectors.participation_for_class(
            class_group_id=class_group_id, for_user=request.user
        )
        return Response(
            [
                {
                    "pupil_id": row.pupil_id,
                    "pupil_name": row.pupil_name,
                    "pupil_last_sign_in": row.pupil_last_sign_in,
                    "parents": [{"name": name, "last_sign_in": at} for name, at in row.parents],
                }
                for row in rows
            ]
        )
