"""The reports' API (issue #12; REP-1, REP-3, REP-5, TPL-3): the forms a user may open, a
report computed as JSON rows, its PDF and XLSX files, and the long reports' jobs.

Parameters are query strings named by **type**, not by the form version's parameter names
(`class_group_id`, `period_id`, `academic_year_id`, `subject_id`, `teacher_id`, `month`,
`date`), so a version that renames a parameter does not change the API. Malformed values:
400 with the errors by field; an id that names nothing here (another school's): 404; a
user who may not open the report: 404 (the selectors decide, as on the pages). Files are
recorded (`GeneratedReport`) and logged as exports (ROLE-4).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from journal.access import JournalApiView, scope_for
from journal.reports import jobs, selectors
from journal.reports.layout import FormDef
from journal.reports.models import GeneratedReport, ReportJob
from journal.reports.params import OBJECT_TYPES
from journal.reports.registry import CLASS, PAPER_COPY, REGISTRY, may_open
from journal.reports.render import cells
from journal.reports.services import CONTENT_TYPES, report_file_create

PARAMETER_TYPES = ("academic_year", "period", "class_group", "subject", "teacher", "month", "date")
QUERY_PARAMETERS = [
    OpenApiParameter("form", str, required=True, description="Код формы отчёта (каталог)"),
    *(
        OpenApiParameter(f"{kind}_id", int, description=f"Параметр отчёта типа {kind}")
        for kind in OBJECT_TYPES
    ),
    OpenApiParameter("month", str, description="Месяц, ГГГГ-ММ"),
    OpenApiParameter("date", OpenApiTypes.DATE, description="Дата"),
]


def api_name(kind: str) -> str:
    return f"{kind}_id" if kind in OBJECT_TYPES else kind


def _form_of(code: str) -> FormDef:
    if code == PAPER_COPY.code:
        return PAPER_COPY
    if code not in REGISTRY:
        raise Http404
    return selectors.form_def(code)


def _data(request: Request, form: FormDef) -> tuple[dict[str, Any], dict[str, str]]:
    """The form's data from the query (by type) and the API name of each form field."""
    data: dict[str, Any] = {}
    names: dict[str, str] = {"__all__": "non_field_errors"}
    for p in form.parameters:
        key = api_name(p["type"])
        names[p["name"]] = key
        if key in request.query_params:
            data[p["name"]] = request.query_params[key]
    return data, names


def _field_errors(errors: dict[str, list[str]], names: dict[str, str]) -> ValidationError:
    return ValidationError({names.get(k, k): v for k, v in errors.items()})


class ReportFormListApi(JournalApiView):
    class Output(serializers.Serializer):
        class Parameter(serializers.Serializer):
            name = serializers.CharField(help_text="Имя параметра в запросе API")
            type = serializers.CharField()
            title = serializers.CharField()
            # Output fields named like Field attributes: DRF takes them out of the class.
            required = serializers.BooleanField()  # type: ignore[assignment]

        code = serializers.CharField()
        title = serializers.CharField()
        requirement = serializers.CharField()
        version = serializers.IntegerField(help_text="Редакция формы (0 — встроенная)")
        available = serializers.BooleanField(help_text="Формируется ли отчёт")
        table = serializers.BooleanField(help_text="Есть ли строки в JSON (иначе только файл)")
        formats = serializers.ListField(child=serializers.CharField())
        parameters = Parameter(many=True)

    @extend_schema(responses=Output(many=True), summary="Отчёты, доступные пользователю (TPL-3)")
    def get(self, request: Request) -> Response:
        scope = scope_for(request.user)
        if not scope.is_staff or scope.is_pupil:
            raise Http404
        out = []

        def params(form: FormDef) -> list[dict[str, Any]]:
            return [
                {
                    "name": api_name(p["type"]),
                    "type": p["type"],
                    "title": p["title"],
                    "required": bool(p.get("required", True)),
                }
                for p in form.parameters
            ]

        for entry in selectors.report_list(for_user=request.user):
            spec = REGISTRY.get(entry.code)
            form = selectors.form_def(entry.code) if spec else None
            out.append(
                {
                    **entry.__dict__,
                    "table": spec is not None,
                    "formats": list(spec.formats) if spec else [],
                    "parameters": params(form) if form else [],
                }
            )
        if not may_open(CLASS, scope):
            return Response([])
        out.append(
            {
                "code": PAPER_COPY.code,
                "title": PAPER_COPY.title,
                "requirement": PAPER_COPY.requirement,
                "version": 0,
                "available": True,
                "table": False,
                "formats": ["pdf"],
                "parameters": params(PAPER_COPY),
            }
        )
        return Response(self.Output(out, many=True).data)


class ReportRunApi(JournalApiView):
    class Output(serializers.Serializer):
        class Cell(serializers.Serializer):
            text = serializers.CharField(allow_blank=True)
            colspan = serializers.IntegerField()
            rowspan = serializers.IntegerField()

        class Summary(serializers.Serializer):
            label = serializers.CharField()  # type: ignore[assignment]
            value = serializers.CharField(allow_blank=True)

        code = serializers.CharField()
        version = serializers.IntegerField()
        title = serializers.CharField()
        parameters = serializers.DictField(
            child=serializers.JSONField(), help_text="Параметры по типам (как в файле)"
        )
        caption = serializers.ListField(child=serializers.CharField())
        header = serializers.ListField(child=Cell(many=True), help_text="Строки шапки")
        types = serializers.ListField(child=serializers.CharField(), help_text="Типы столбцов")
        rows = serializers.ListField(
            child=serializers.ListField(child=serializers.CharField(allow_blank=True)),
            help_text="Строки, как на странице",
        )
        totals = serializers.ListField(
            child=serializers.ListField(child=serializers.CharField(allow_blank=True))
        )
        summary = Summary(many=True)
        data_at = serializers.DateTimeField(allow_null=True, help_text="Данные по состоянию на")

    @extend_schema(
        parameters=QUERY_PARAMETERS,
        responses=Output,
        summary="Отчёт по форме: строки в JSON (REP-1, REP-5)",
    )
    def get(self, request: Request) -> Response:
        code = request.query_params.get("form", "")
        if code == PAPER_COPY.code or code not in REGISTRY:
            raise Http404  # the paper copy is a document, not a table: its PDF route
        form = _form_of(code)
        data, names = _data(request, form)
        run = selectors.report_run(code=code, data=data, for_user=request.user)
        if run.table is None or run.params is None:
            errors = run.params_form.errors.get_json_data()
            raise _field_errors({k: [e["message"] for e in v] for k, v in errors.items()}, names)
        shown = cells(run.table)
        return Response(
            self.Output(
                {
                    "code": run.form.code,
                    "version": run.form.version,
                    "title": run.form.title,
                    "parameters": run.params.as_dict(),
                    "caption": run.table.caption,
                    "header": [
                        [{"text": c.text, "colspan": c.colspan, "rowspan": c.rowspan} for c in r]
                        for r in run.table.header
                    ],
                    "types": run.table.types,
                    "rows": [[c["text"] for c in r] for r in shown["rows"]],
                    "totals": [[c["text"] for c in r] for r in shown["totals"]],
                    "summary": [{"label": k, "value": v} for k, v in shown["summary"]],
                    "data_at": run.table.data_at,
                }
            ).data
        )


def file_response(report: GeneratedReport, name: str) -> HttpResponse:
    fmt = report.format
    response = HttpResponse(bytes(report.content), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["X-Report-SHA256"] = report.sha256
    return response


class _ReportFileApi(JournalApiView):
    fmt = "pdf"

    def get(self, request: Request) -> HttpResponse:
        code = request.query_params.get("form", "")
        form = _form_of(code)
        data, names = _data(request, form)
        try:
            report = report_file_create(code=code, data=data, fmt=self.fmt, by=request.user)
        except DjangoValidationError as exc:
            raise _field_errors(exc.message_dict, names) from exc
        return file_response(report, f"{code}-{report.created_at:%Y%m%d}-{report.sha256[:8]}")


class ReportPdfApi(_ReportFileApi):
    fmt = "pdf"

    @extend_schema(
        parameters=QUERY_PARAMETERS,
        responses={(200, CONTENT_TYPES["pdf"]): OpenApiTypes.BINARY},
        summary="Отчёт в PDF (REP-5; бумажная копия журнала, REP-3)",
    )
    def get(self, request: Request) -> HttpResponse:
        return super().get(request)


class ReportXlsxApi(_ReportFileApi):
    fmt = "xlsx"

    @extend_schema(
        parameters=QUERY_PARAMETERS,
        responses={(200, CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY},
        summary="Отчёт в XLSX (REP-5)",
    )
    def get(self, request: Request) -> HttpResponse:
        return super().get(request)


# ---------------------------------------------------------------- long reports (jobs)


class ReportJobOutput(serializers.Serializer):
    class File(serializers.Serializer):
        id = serializers.IntegerField()
        title = serializers.CharField()
        format = serializers.CharField(source="report.format")
        sha256 = serializers.CharField(source="report.sha256")
        size = serializers.IntegerField(source="report.size")
        url = serializers.SerializerMethodField()

        def get_url(self, obj: Any) -> str:
            return reverse("journal:report-job-file", args=[obj.job_id, obj.pk])

    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    reason = serializers.CharField()
    state = serializers.CharField()
    state_title = serializers.CharField(source="get_state_display")
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    error = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    files = File(many=True)


class ReportJobListApi(JournalApiView):
    @extend_schema(
        responses=ReportJobOutput(many=True),
        summary="Длительные отчёты школы: ход и файлы (директор, заместители)",
    )
    def get(self, request: Request) -> Response:
        scope = scope_for(request.user)
        if not scope.is_staff or scope.is_pupil:
            raise Http404
        rows = jobs.report_job_list(for_user=request.user)
        return Response(ReportJobOutput(rows, many=True).data)


class ReportJobCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        kind = serializers.ChoiceField(choices=ReportJob.Kind.choices)
        period_id = serializers.IntegerField(
            required=False, min_value=1, help_text="Для бумажных копий"
        )
        academic_year_id = serializers.IntegerField(
            required=False, min_value=1, help_text="Для сводных ведомостей (по умолчанию текущий)"
        )
        format = serializers.ChoiceField(choices=["pdf", "xlsx"], default="pdf")

    @extend_schema(
        request=Input,
        responses={200: ReportJobOutput, 201: ReportJobOutput},
        summary="Запустить длительный отчёт (201; тот же, что идёт, — 200)",
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            job, created = jobs.report_job_request(
                kind=values["kind"],
                by=request.user,
                period_id=values.get("period_id"),
                year_id=values.get("academic_year_id"),
                fmt=values["format"],
            )
        except DjangoValidationError as exc:
            field = {"period": "period_id", "academic_year": "academic_year_id"}
            raise ValidationError(
                {field.get(k, k): v for k, v in exc.message_dict.items()}
            ) from exc
        return Response(ReportJobOutput(job).data, status=201 if created else 200)


class ReportJobDetailApi(JournalApiView):
    @extend_schema(responses=ReportJobOutput, summary="Ход длительного отчёта и его файлы")
    def get(self, request: Request, job_id: int) -> Response:
        job = jobs.report_job_get(job_id=job_id, for_user=request.user)
        return Response(ReportJobOutput(job).data)


class ReportJobFileApi(JournalApiView):
    @extend_schema(
        responses={
            (200, CONTENT_TYPES["pdf"]): OpenApiTypes.BINARY,
            (200, CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
        },
        summary="Файл длительного отчёта",
    )
    def get(self, request: Request, job_id: int, file_id: int) -> HttpResponse:
        report = jobs.report_job_file(job_id=job_id, file_id=file_id, for_user=request.user)
        return file_response(report, f"{report.form_code}-{job_id}-{file_id}")
