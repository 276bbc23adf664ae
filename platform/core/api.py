"""Shared API kit: one error format, pagination."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.errors import ApplicationError
from core.outage import OUTAGE_MESSAGE, outage_service, retry_after_seconds


class SchoolObjectField(serializers.PrimaryKeyRelatedField):
    """The id of an object of this school, in a request body.

    An id that names nothing here (another school's id, or none at all) is answered 404,
    like the same id in a URL (TEN-3): a body is never a way to ask whether an id exists,
    and the answer to another school's id is the same on every route.
    """

    def to_internal_value(self, data: Any) -> Any:
        try:
            return super().to_internal_value(data)
        except exceptions.ValidationError as exc:
            codes = [getattr(detail, "code", "") for detail in exc.detail]
            if "does_not_exist" in codes:
                raise exceptions.NotFound("Не найдено.") from exc
            raise


class Pagination(PageNumberPagination):
    """Pages of a list: {"count", "next", "previous", "results"}.

    A list view that pages declares `pagination_class = Pagination`, so its OpenAPI
    response is this envelope (drf-spectacular asks `get_paginated_response_schema`).
    """

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "next": {**link, "example": "https://school.example/api/v1/items/?page=3"},
                "previous": {**link, "example": "https://school.example/api/v1/items/?page=1"},
                "results": schema,
            },
        }


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error as {"detail": "...", "errors": {"field": ["..."]}}.

    Django's ValidationError and our ApplicationError become 400 with field errors, so a
    service can raise them without knowing about HTTP.
    """
    service = outage_service(exc)
    if service is not None:
        # PostgreSQL or Redis is unreachable (TEN-3): a 503 the client may retry, never a 500;
        # raised during authentication it means the credentials could not be checked, and
        # the request is refused.
        set_rollback()
        return Response(
            {"detail": OUTAGE_MESSAGE, "errors": {}, "unavailable": service},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(retry_after_seconds())},
        )
    if isinstance(exc, ApplicationError):
        return Response(
            {"detail": exc.message, "errors": exc.field_errors, **exc.extra},
            status=exc.status_code,
        )
    if isinstance(exc, DjangoValidationError):
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response(
            {"detail": "Проверьте введённые данные.", "errors": errors},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        data = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {"detail": "Проверьте введённые данные.", "errors": data}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": response.data["detail"], "errors": {}}
    return response
