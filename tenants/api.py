"""Operator API for schools (public host only)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import roles
from tenants import services
from tenants.models import School
from tenants.selectors import school_list


class IsOperator(BasePermission):
    message = "Действие доступно только муниципальному оператору."

    def has_permission(self, request: Request, view: Any) -> bool:
        return roles.has_role(request.user, roles.OPERATOR)


class SchoolOutput(serializers.ModelSerializer[School]):
    domain = serializers.SerializerMethodField()

    class Meta:
        model = School
        fields = [
            "id",
            "slug",
            "schema_name",
            "name",
            "short_name",
            "municipality_code",
            "inn",
            "status",
            "status_changed_at",
            "created_at",
            "domain",
        ]

    def get_domain(self, school: School) -> str | None:
        domains = [d.domain for d in school.domains.all() if d.is_primary]
        return domains[0] if domains else None


class SchoolListApi(APIView):
    permission_classes = [IsOperator]

    class InputSerializer(serializers.Serializer[dict[str, Any]]):
        slug = serializers.CharField(max_length=32)
        name = serializers.CharField(max_length=300)
        short_name = serializers.CharField(max_length=100)
        inn = serializers.CharField(max_length=10)
        municipality_code = serializers.CharField(max_length=11, required=False, allow_blank=True)
        admin_email = serializers.EmailField()
        admin_last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
        admin_first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
        admin_patronymic = serializers.CharField(max_length=150, required=False, allow_blank=True)

    class CreatedSerializer(serializers.Serializer[dict[str, Any]]):
        school = SchoolOutput()
        url = serializers.CharField()
        admin_username = serializers.CharField()
        admin_password = serializers.CharField(help_text="Показывается один раз.")

    @extend_schema(responses=SchoolOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response(SchoolOutput(school_list(), many=True).data)

    @extend_schema(request=InputSerializer, responses={201: CreatedSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.school_create(**data.validated_data)
        scheme = "https" if request.is_secure() else "http"
        port = request.get_port()
        suffix = "" if port in ("80", "443") else f":{port}"
        payload = {
            "school": created.school,
            "url": f"{scheme}://{created.domain}{suffix}/",
            "admin_username": created.admin_username,
            "admin_password": created.admin_password,
        }
        response = Response(self.CreatedSerializer(payload).data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response


class SchoolStatusApi(APIView):
    permission_classes = [IsOperator]
    action: str = ""

    @extend_schema(request=None, responses=SchoolOutput)
    def post(self, request: Request, school_id: int) -> Response:
        school = get_object_or_404(school_list(), pk=school_id)
        operation = {
            "suspend": services.school_suspend,
            "resume": services.school_resume,
            "archive": services.school_archive,
        }[self.action]
        return Response(SchoolOutput(operation(school=school)).data)
