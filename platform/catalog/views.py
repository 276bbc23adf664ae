"""TPL-4: a school's users read the regulation their school adopted, on the school's host."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.markdown import render_markdown
from catalog.schema import RULE_TITLES
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


def _plain(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@require_safe
@login_required
def regulation_page(request: HttpRequest) -> HttpResponse:
    """The adopted regulation as a page, with the school's own changes listed after it."""
    context = _regulation_context()
    if context is not None:
        context["html"] = render_markdown(context["text"])
        context["local_changes"] = [
            f"{RULE_TITLES.get(key, key)}: {_plain(value)}"
            for key, value in context["overrides"].items()
        ]
    return render(request, "catalog/regulation.html", {"regulation": context})


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
