"""The department's read-only API (issue #13, STAT-1): the overview, tables with filters,
chart series and the cross-school reports, from the rollups only.

The department role only: the operator and anyone else get 403 here; on a school's host
these routes do not exist (404). Every answer goes through the same selectors as the pages,
so the small-cell suppression applies: a hidden row has `suppressed: true` and no counts.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import DEPARTMENT, has_role
from department import selectors as s

CHARTS = ("trend", "schools", "distribution")


class IsDepartment(BasePermission):
    message = "Доступно только управлению образования."

    def has_permission(self, request: Request, view: Any) -> bool:
        return has_role(request.user, DEPARTMENT)


class DepartmentApi(APIView):
    permission_classes = [IsDepartment]

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response


class FiltersInput(serializers.Serializer[dict[str, Any]]):
    """The query string of a table or chart; unknown periods are an error, not ignored."""

    period = serializers.CharField(required=False, allow_blank=True, max_length=40)
    kind = serializers.ChoiceField(choices=["marks", "months"], required=False)
    school = serializers.IntegerField(required=False, min_value=1)
    grade = serializers.IntegerField(required=False, min_value=1, max_value=11)
    subject = serializers.CharField(required=False, allow_blank=True, max_length=200)
    group = serializers.ListField(
        child=serializers.ChoiceField(choices=list(s.GROUPS)), required=False
    )
    sort = serializers.CharField(required=False, allow_blank=True, max_length=40)

    def validate_period(self, value: str) -> str:
        if value and value not in {p.key for p in s.period_list()}:
            raise serializers.ValidationError("Нет такого учебного периода в сводных показателях.")
        return value


FILTER_PARAMETERS = [
    OpenApiParameter("period", str, description="Ключ периода («2026/2027:quarter:1»)"),
    OpenApiParameter("kind", str, enum=["marks", "months"], description="Показатели"),
    OpenApiParameter("school", int, description="Школа"),
    OpenApiParameter("grade", int, description="Параллель, 1–11"),
    OpenApiParameter("subject", str, description="Предмет"),
    OpenApiParameter("group", str, many=True, enum=list(s.GROUPS), description="Строки по"),
    OpenApiParameter("sort", str, description="Столбец сортировки; «-» — по убыванию"),
]


def filters_of(request: Request) -> s.Filters:
    data = {k: v for k, v in request.query_params.items() if k != "group" and v != ""}
    if request.query_params.getlist("group"):
        data["group"] = request.query_params.getlist("group")  # type: ignore[assignment]
    given = FiltersInput(data=data)
    given.is_valid(raise_exception=True)
    v = given.validated_data
    periods = s.period_list()
    period = next(
        (p for p in periods if p.key == v.get("period")), periods[-1] if periods else None
    )
    return s.Filters(
        period=period,
        school_id=v.get("school"),
        grade=v.get("grade"),
        subject=v.get("subject") or None,
        group=tuple(v.get("group") or ()) or ("school",),
        sort=v.get("sort") or "",
        kind=v.get("kind") or "marks",
    )


class DepartmentPeriodOutput(serializers.Serializer[Any]):
    key = serializers.CharField()
    title = serializers.CharField()
    name = serializers.CharField(source="label", help_text="«2-я четверть 2025/2026»")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class PeriodListApi(DepartmentApi):
    @extend_schema(
        responses=DepartmentPeriodOutput(many=True), summary="Учебные периоды сводных данных"
    )
    def get(self, request: Request) -> Response:
        return Response(DepartmentPeriodOutput(s.period_list(), many=True).data)


class OverviewApi(DepartmentApi):
    class Figure(serializers.Serializer[Any]):
        title = serializers.CharField()
        value = serializers.JSONField(allow_null=True)
        previous = serializers.JSONField(allow_null=True)
        unit = serializers.CharField()
        computed_at = serializers.DateTimeField(allow_null=True)

    class Output(serializers.Serializer[Any]):
        period = DepartmentPeriodOutput(allow_null=True)
        previous = DepartmentPeriodOutput(allow_null=True)
        figures = serializers.ListField(child=serializers.DictField())

    @extend_schema(
        parameters=[FILTER_PARAMETERS[0]],
        responses=Output,
        summary="Муниципалитет одним взглядом (с предыдущим периодом)",
    )
    def get(self, request: Request) -> Response:
        filters = filters_of(request)
        data = s.department_overview(period=filters.period)
        figures = [self.Figure(f).data for f in data["figures"]]
        return Response(
            {
                "period": DepartmentPeriodOutput(data["period"]).data
                if data.get("period")
                else None,
                "previous": DepartmentPeriodOutput(data["previous"]).data
                if data.get("previous")
                else None,
                "figures": figures,
            }
        )


class DepartmentRowOutput(serializers.Serializer[Any]):
    labels = serializers.DictField()
    suppressed = serializers.BooleanField()
    figures = serializers.DictField()
    computed_at = serializers.DateTimeField(allow_null=True)


class TableApi(DepartmentApi):
    class Column(serializers.Serializer[Any]):
        key = serializers.CharField()
        title = serializers.CharField()

    class Output(serializers.Serializer[Any]):
        kind = serializers.CharField()
        k = serializers.IntegerField(help_text="Порог скрытия малых групп")
        period = DepartmentPeriodOutput(allow_null=True)
        group = serializers.ListField(child=serializers.CharField())
        columns = serializers.ListField(child=serializers.DictField())
        rows = DepartmentRowOutput(many=True)
        total = DepartmentRowOutput(allow_null=True)

    @extend_schema(parameters=FILTER_PARAMETERS, responses=Output, summary="Таблица с фильтрами")
    def get(self, request: Request) -> Response:
        filters = filters_of(request)
        table = s.department_table(filters=filters)
        return Response(
            {
                "kind": table.kind,
                "k": table.k,
                "period": DepartmentPeriodOutput(filters.period).data if filters.period else None,
                "group": list(table.group),
                "columns": [{"key": k, "title": t} for k, t in table.columns],
                "rows": DepartmentRowOutput(table.rows, many=True).data,
                "total": DepartmentRowOutput(table.total).data if table.total else None,
            }
        )


class ChartApi(DepartmentApi):
    class Output(serializers.Serializer[Any]):
        labels = serializers.ListField(child=serializers.CharField())
        datasets = serializers.ListField(child=serializers.DictField())

    @extend_schema(
        parameters=FILTER_PARAMETERS[:5],
        responses=Output,
        summary="Ряды графика (скрытая точка — null)",
    )
    def get(self, request: Request, name: str) -> Response:
        from django.http import Http404

        if name not in CHARTS:
            raise Http404
        return Response(s.chart_data(chart=name, filters=filters_of(request)))


class DepartmentFormOutput(serializers.Serializer[Any]):
    code = serializers.CharField()
    version = serializers.IntegerField()
    title = serializers.CharField()
    requirement = serializers.CharField()
    parameters = serializers.ListField(child=serializers.DictField())
    columns = serializers.ListField(child=serializers.DictField())


class ReportListApi(DepartmentApi):
    @extend_schema(responses=DepartmentFormOutput(many=True), summary="Формы отчётов по школам")
    def get(self, request: Request) -> Response:
        from department.reports import department_forms

        return Response(DepartmentFormOutput(department_forms(), many=True).data)


REPORT_PARAMETERS = [
    OpenApiParameter("period", str, description="Ключ периода; по умолчанию последний"),
    OpenApiParameter("grade", int, description="Параллель (если форма её принимает)"),
    OpenApiParameter("subject", str, description="Предмет (если форма его принимает)"),
]


def _run(code: str, request: Request) -> Any:
    from department.reports import department_report

    run = department_report(code=code, data=request.query_params)
    if run.table is None:
        raise ValidationError(run.errors)
    return run


class ReportApi(DepartmentApi):
    class Output(serializers.Serializer[Any]):
        form = DepartmentFormOutput()
        parameters = serializers.ListField(child=serializers.ListField())
        header = serializers.ListField(child=serializers.ListField(child=serializers.DictField()))
        rows = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
        totals = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
        summary = serializers.ListField(child=serializers.ListField())
        caption = serializers.ListField(child=serializers.CharField())

    @extend_schema(
        parameters=REPORT_PARAMETERS, responses=Output, summary="Отчёт по школам (как на экране)"
    )
    def get(self, request: Request, code: str) -> Response:
        from journal.reports.layout import display

        run = _run(code, request)
        table = run.table

        def text(line: list[Any]) -> list[str]:
            return [display(v, t) for v, t in zip(line, table.types, strict=True)]

        return Response(
            {
                "form": DepartmentFormOutput(run.form).data,
                "parameters": [list(p) for p in run.params.labels()],
                "header": [
                    [{"text": c.text, "colspan": c.colspan, "rowspan": c.rowspan} for c in line]
                    for line in table.header
                ],
                "rows": table.text_rows(),
                "totals": [text(line) for line in table.totals],
                "summary": [[label, display(v, t)] for label, v, t in table.summary],
                "caption": list(table.caption),
            }
        )


class ReportFileApi(DepartmentApi):
    @extend_schema(
        parameters=REPORT_PARAMETERS,
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): (
                OpenApiTypes.BINARY
            ),
        },
        summary="Файл отчёта по школам: PDF или XLSX",
    )
    def get(self, request: Request, code: str, fmt: str) -> HttpResponse:
        from department.reports import department_report_file

        run = _run(code, request)
        types = {
            "pdf": "application/pdf",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
        response = HttpResponse(department_report_file(run, fmt), content_type=types[fmt])
        response["Content-Disposition"] = f'attachment; filename="{code}.{fmt}"'
        return response
