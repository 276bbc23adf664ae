"""Access log API (ROLE-4), for the director."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import Pagination
from journal.access import DateRangeFilters, JournalApiView, query_filters
from journal.audit.models import AccessLog
from journal.audit.selectors import access_log_list


class AccessLogOutput(serializers.ModelSerializer):
    class Meta:
        model = AccessLog
        fields = ["id", "at", "user_id", "user_name", "action", "what", "pupil_ids", "details"]


class AccessLogListApi(JournalApiView):
    pagination_class = Pagination  # documented as the page envelope

    class Filters(DateRangeFilters):
        pupil_id = serializers.IntegerField(required=False, help_text="Обучающийся")
        user_id = serializers.IntegerField(required=False, help_text="Кто обращался")

    @extend_schema(
        parameters=[Filters],
        responses=AccessLogOutput(many=True),
        summary="Журнал доступа к данным обучающихся (ROLE-4)",
    )
    def get(self, request: Request) -> Response:
        qs = access_log_list(for_user=request.user, **query_filters(request, self.Filters))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(AccessLogOutput(page, many=True).data)
