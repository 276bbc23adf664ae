"""TPL-4: a school's users read the regulation their school adopted, on the school's host
(the API; the page is journal.web's public `web:regulation`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.selectors import adopted_regulation, current_rules


def _regulation_context() -> dict[str, Any] | None:
    adoption = adopted_regulation()
    if adoption is None:
        return None
    version = adoption.regulation_version
    return {
        "title": version.title,
        "template": version.template.code,
        "version": version.number,
        "published_at": version.published_at,
        "adopted_at": adoption.adopted_at,
        "text": version.text,
        "overrides": dict(adoption.overrides),
        "period_scheme": adoption.period_scheme.title if adoption.period_scheme else None,
    }


class RegulationOutput(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField()
    template = serializers.CharField()
    version = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    adopted_at = serializers.DateTimeField()
    text = serializers.CharField()
    overrides = serializers.DictField()
    period_scheme = serializers.CharField(allow_null=True)
    rules = serializers.DictField()


class SchoolRegulationApi(APIView):
    """Any signed-in user of the school: the adopted text and the rules in force."""

    @extend_schema(responses=RegulationOutput)
    def get(self, request: Request) -> Response:
        from catalog.schema import rules_to_dict

        context = _regulation_context()
        if context is None:
            return Response(
                {"detail": "Школа ещё не приняла положение об электронном журнале.", "errors": {}},
                status=404,
            )
        context["rules"] = rules_to_dict(current_rules())
        return Response(RegulationOutput(context).data)
