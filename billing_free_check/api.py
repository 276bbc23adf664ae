"""Operator API: the latest audit of each school (FREE-1)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from billing_free_check.models import SchoolAudit
from billing_free_check.selectors import latest_school_audits
from tenants.api import IsOperator


class AuditOutput(serializers.ModelSerializer[SchoolAudit]):
    school = serializers.CharField(source="school.slug")

    class Meta:
        model = SchoolAudit
        fields = ["id", "school", "ran_at", "ok", "findings"]


class SchoolAuditListApi(APIView):
    permission_classes = [IsOperator]

    @extend_schema(responses=AuditOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response(AuditOutput(latest_school_audits(), many=True).data)
