"""Year-end API (YEAR-1): the check, the closing, the closed year's lists."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from journal.access import JournalApiView, scope_for
from journal.structure.models import AcademicYear
from journal.yearend import selectors, services


class PupilStandingOutput(serializers.Serializer):
    class Debt(serializers.Serializer):
        subject = serializers.CharField()
        value = serializers.CharField()

    pupil_id = serializers.IntegerField()
    name = serializers.CharField()
    class_group_id = serializers.IntegerField()
    class_title = serializers.CharField()
    missing = serializers.ListField(child=serializers.CharField(), help_text="Нет годовой")
    debts = Debt(many=True)


class YearCloseCheckApi(JournalApiView):
    class Output(serializers.Serializer):
        class ClassRow(serializers.Serializer):
            class_group_id = serializers.IntegerField()
            title = serializers.CharField()
            pupils = serializers.IntegerField()
            missing_pupils = serializers.IntegerField(help_text="Без части годовых отметок")
            debtors = serializers.IntegerField(help_text="С академической задолженностью")

        year_id = serializers.IntegerField()
        closed = serializers.BooleanField()
        complete = serializers.BooleanField(help_text="Годовые отметки у всех")
        classes = ClassRow(many=True)
        incomplete = PupilStandingOutput(many=True, help_text="Нет годовых отметок")
        debtors = PupilStandingOutput(many=True, help_text="Академическая задолженность")

    @extend_schema(responses=Output, summary="Проверка перед закрытием учебного года (YEAR-1)")
    def get(self, request: Request, year_id: int) -> Response:
        check = selectors.year_close_check(year_id=year_id, for_user=request.user)

        def pupil(p: selectors.PupilStanding) -> dict[str, Any]:
            return {
                **p.__dict__,
                "debts": [{"subject": s, "value": v} for s, v in p.debts],
            }

        return Response(
            self.Output(
                {
                    "year_id": check.year.pk,
                    "closed": check.closing is not None,
                    "complete": check.complete,
                    "classes": check.classes,
                    "incomplete": [pupil(p) for p in check.pupils if p.missing],
                    "debtors": [pupil(p) for p in check.pupils if p.debts and not p.missing],
                }
            ).data
        )


class DecisionOutput(serializers.Serializer):
    pupil_id = serializers.IntegerField()
    name = serializers.CharField(source="pupil.user.full_name")
    class_from = serializers.CharField(source="class_from.title")
    class_to = serializers.CharField(source="class_to.title", allow_null=True, default=None)
    outcome = serializers.CharField()
    debts = serializers.JSONField()
    missing = serializers.JSONField()


class YearCloseApi(JournalApiView):
    class Input(serializers.Serializer):
        next_title = serializers.RegexField(
            r"^\d{4}/\d{4}$",
            max_length=9,
            error_messages={"invalid": "Учебный год в виде 2025/2026."},
        )
        next_starts_on = serializers.DateField()
        next_ends_on = serializers.DateField()
        order_number = serializers.CharField(max_length=40)
        order_date = serializers.DateField()
        graduating_grades = serializers.ListField(
            child=serializers.IntegerField(), default=[11], help_text="11, и 9 по решению школы"
        )

    class Output(serializers.Serializer):
        closing_id = serializers.IntegerField()
        next_year_id = serializers.IntegerField()
        promoted = serializers.IntegerField()
        conditional = PupilStandingOutput(many=True, help_text="Переведены условно")
        held_back = PupilStandingOutput(many=True, help_text="Оставлены на повторное обучение")
        graduated = serializers.IntegerField()

    @extend_schema(
        request=Input,
        responses={201: Output},
        summary="Закрыть учебный год: перевод, выпуск, следующий год (YEAR-1)",
    )
    def post(self, request: Request, year_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        if not scope_for(request.user).whole_school:
            return Response({"detail": "Не найдено.", "errors": {}}, status=404)
        year = get_object_or_404(AcademicYear, pk=year_id)
        result = services.year_close(year=year, by=request.user, **data.validated_data)
        out = PromotionDecisionLists(result)
        return Response(self.Output(out.as_dict()).data, status=status.HTTP_201_CREATED)


class PromotionDecisionLists:
    def __init__(self, result: services.YearCloseResult) -> None:
        self.result = result

    def _list(self, outcome: str) -> list[dict[str, Any]]:
        return [
            {**p.__dict__, "debts": [{"subject": s, "value": v} for s, v in p.debts]}
            for p in self.result.decisions.get(outcome, [])
        ]

    def as_dict(self) -> dict[str, Any]:
        d = self.result.decisions
        return {
            "closing_id": self.result.closing.pk,
            "next_year_id": self.result.next_year.pk,
            "promoted": len(d.get(services.Outcome.PROMOTED, [])),
            "conditional": self._list(services.Outcome.CONDITIONAL),
            "held_back": self._list(services.Outcome.HELD_BACK),
            "graduated": len(d.get(services.Outcome.GRADUATED, [])),
        }


class YearClosingApi(JournalApiView):
    class Output(serializers.Serializer):
        year_id = serializers.IntegerField()
        next_year_id = serializers.IntegerField(allow_null=True)
        order_number = serializers.CharField()
        order_date = serializers.DateField()
        closed_at = serializers.DateTimeField()
        closed_by = serializers.CharField(source="closed_by.full_name")
        decisions = DecisionOutput(many=True)

    @extend_schema(
        responses=Output, summary="Итоги закрытого учебного года: кто переведён, оставлен, выпущен"
    )
    def get(self, request: Request, year_id: int) -> Response:
        closing, decisions = selectors.year_closing_get(year_id=year_id, for_user=request.user)
        return Response(
            self.Output(
                {
                    "year_id": closing.year_id,
                    "next_year_id": closing.next_year_id,
                    "order_number": closing.order_number,
                    "order_date": closing.order_date,
                    "closed_at": closing.closed_at,
                    "closed_by": closing.closed_by,
                    "decisions": decisions,
                }
            ).data
        )
