"""Access log API (ROLE-4), for the director."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import Pagination
from journal.access import JournalApiView
from journal.audit.models import AccessLog
from journal.audit.selectors import access_log_list


class AccessLogOutput(serializers.ModelSerializer):
    class Meta:
        model = AccessLog
        fields = ["id", "at", "user_id", "user_name", "action", "what", "pupil_ids", "details"]


class AccessLogListApi(JournalApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter("pupil_id", int),
            OpenApiParameter("user_id", int),
            OpenApiParameter("date_from", str),
            OpenApiParameter("date_to", str),
        ],
        responses=AccessLogOutput(many=True),
        summary="Журнал доступа к данным обучающихся (ROLE-4)",
    )
    def get(self, request: Request) -> Response:
        p = request.query_params
        date = serializers.DateField()
        qs = access_log_list(
            for_user=request.user,
            pupil_id=int(p["pupil_id"]) if p.get("pupil_id", "").isdigit() else None,
            user_id=int(p["user_id"]) if p.get("user_id", "").isdigit() else None,
            date_from=date.to_internal_value(p["date_from"]) if p.get("date_from") else None,
            date_to=date.to_internal_value(p["date_to"]) if p.get("date_to") else None,
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(AccessLogOutput(page, many=True).data)
