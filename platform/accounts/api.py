"""Who am I, on this host."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.tenancy import db


class MeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    schema = serializers.CharField(help_text="The school's schema on this host (public: public).")


class MeApi(APIView):
    @extend_schema(responses=MeOutput, summary="Кто я на этом адресе")
    def get(self, request: Request) -> Response:
        user = request.user
        return Response(
            {
                "id": user.pk,
                "username": user.get_username(),
                "full_name": getattr(user, "full_name", ""),
                "roles": sorted(user.groups.values_list("name", flat=True)),
                "schema": db.schema_name,
            }
        )
