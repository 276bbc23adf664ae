"""Who am I, on this host."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.tenancy import db


class MeApi(APIView):
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
