"""Operator API of the central catalog (public host only): templates, versions, adoption.

The operator writes; the education department may read the templates (not who adopted
what). A school's host has none of these routes.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import roles
from catalog import selectors, services
from catalog.models import (
    AdoptionRecord,
    PeriodScheme,
    RegulationTemplate,
    RegulationVersion,
    ReportForm,
)
from tenants.api import IsOperator
from tenants.models import School
from tenants.selectors import school_list


class OperatorWritesDepartmentReads(BasePermission):
    message = "Изменять шаблоны может только муниципальный оператор."

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return roles.has_role(request.user, roles.OPERATOR, roles.DEPARTMENT)
        return roles.has_role(request.user, roles.OPERATOR)


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


# --- output -------------------------------------------------------------------------------


class VersionSummaryOutput(serializers.ModelSerializer[RegulationVersion]):
    class Meta:
        model = RegulationVersion
        fields = ["id", "number", "title", "status", "published_at"]


class VersionOutput(serializers.ModelSerializer[RegulationVersion]):
    template = serializers.CharField(source="template.code")
    created_by = serializers.SerializerMethodField()
    published_by = serializers.SerializerMethodField()

    class Meta:
        model = RegulationVersion
        fields = [
            "id",
            "template",
            "number",
            "title",
            "text",
            "rules",
            "fixed",
            "sources",
            "status",
            "created_at",
            "created_by",
            "published_at",
            "published_by",
        ]

    def get_created_by(self, version: RegulationVersion) -> str | None:
        return _username(version.created_by)

    def get_published_by(self, version: RegulationVersion) -> str | None:
        return _username(version.published_by)


class TemplateOutput(serializers.ModelSerializer[RegulationTemplate]):
    versions = VersionSummaryOutput(many=True)

    class Meta:
        model = RegulationTemplate
        fields = ["id", "code", "title", "is_default", "versions"]


class PeriodSchemeOutput(serializers.ModelSerializer[PeriodScheme]):
    calendars = serializers.SerializerMethodField()

    class Meta:
        model = PeriodScheme
        fields = ["id", "code", "title", "description", "bands", "is_default", "calendars"]

    def get_calendars(self, scheme: PeriodScheme) -> list[dict[str, Any]]:
        return [
            {"start_year": c.start_year, "periods": c.periods, "holidays": c.holidays}
            for c in scheme.calendars.all()
        ]


class ReportFormOutput(serializers.ModelSerializer[ReportForm]):
    class Meta:
        model = ReportForm
        fields = [
            "id",
            "code",
            "version",
            "title",
            "requirement",
            "description",
            "row_kind",
            "parameters",
            "columns",
            "created_at",
        ]


class SchoolAdoptionOutput(serializers.Serializer[Any]):
    """A school and what it runs on; `behind` when a newer published version exists."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    regulation = serializers.SerializerMethodField()
    latest_version_id = serializers.IntegerField(allow_null=True)
    behind = serializers.SerializerMethodField()
    period_scheme = serializers.SerializerMethodField()
    overrides = serializers.SerializerMethodField()
    adopted_at = serializers.SerializerMethodField()
    adopted_by = serializers.SerializerMethodField()

    def _adoption(self, school: School) -> Any:
        return getattr(school, "adoption", None)

    def get_regulation(self, school: School) -> dict[str, Any] | None:
        adoption = self._adoption(school)
        if adoption is None:
            return None
        version = adoption.regulation_version
        return {
            "template": version.template.code,
            "version_id": version.pk,
            "number": version.number,
            "title": version.title,
        }

    def get_behind(self, school: School) -> bool:
        adoption = self._adoption(school)
        latest = getattr(school, "latest_version_id", None)
        return bool(adoption and latest and latest != adoption.regulation_version_id)

    def get_period_scheme(self, school: School) -> str | None:
        adoption = self._adoption(school)
        return adoption.period_scheme.code if adoption and adoption.period_scheme else None

    def get_overrides(self, school: School) -> dict[str, Any]:
        adoption = self._adoption(school)
        return dict(adoption.overrides) if adoption else {}

    def get_adopted_at(self, school: School) -> str | None:
        adoption = self._adoption(school)
        return adoption.adopted_at.isoformat() if adoption else None

    def get_adopted_by(self, school: School) -> str | None:
        adoption = self._adoption(school)
        return _username(adoption.adopted_by) if adoption else None


class AdoptionRecordOutput(serializers.ModelSerializer[AdoptionRecord]):
    school = serializers.CharField(source="school.slug")
    template = serializers.CharField(source="regulation_version.template.code")
    version_number = serializers.IntegerField(source="regulation_version.number")
    previous_version_number = serializers.IntegerField(
        source="previous_version.number", allow_null=True, default=None
    )
    period_scheme = serializers.CharField(source="period_scheme.code", default=None)
    by = serializers.SerializerMethodField()

    class Meta:
        model = AdoptionRecord
        fields = [
            "id",
            "school",
            "action",
            "template",
            "regulation_version",
            "version_number",
            "previous_version",
            "previous_version_number",
            "period_scheme",
            "overrides",
            "at",
            "by",
        ]

    def get_by(self, record: AdoptionRecord) -> str | None:
        return _username(record.by)


# --- regulation templates and versions ----------------------------------------------------


class VersionInput(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField(max_length=300, required=False)
    text = serializers.CharField(required=False, allow_blank=True)
    rules = serializers.DictField(required=False)
    fixed = serializers.ListField(child=serializers.CharField(), required=False)
    sources = serializers.DictField(child=serializers.CharField(), required=False)


class RegulationTemplateListApi(APIView):
    permission_classes = [OperatorWritesDepartmentReads]

    class InputSerializer(serializers.Serializer[dict[str, Any]]):
        code = serializers.CharField(max_length=63)
        title = serializers.CharField(max_length=300)
        is_default = serializers.BooleanField(default=False)
        version = VersionInput(required=False)

    @extend_schema(responses=TemplateOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response(TemplateOutput(selectors.regulation_template_list(), many=True).data)

    @extend_schema(request=InputSerializer, responses={201: VersionOutput})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        body = dict(data.validated_data)
        version_data = body.pop("version", {}) or {}
        version = services.regulation_template_create(
            code=body["code"],
            title=body["title"],
            is_default=body["is_default"],
            version_title=version_data.get("title", ""),
            text=version_data.get("text", ""),
            rules=version_data.get("rules"),
            fixed=version_data.get("fixed"),
            sources=version_data.get("sources"),
            by=request.user,  # type: ignore[arg-type]
        )
        return Response(VersionOutput(version).data, status=status.HTTP_201_CREATED)


class RegulationTemplateDefaultApi(APIView):
    permission_classes = [IsOperator]

    @extend_schema(request=None, responses=TemplateOutput)
    def post(self, request: Request, template_id: int) -> Response:
        template = get_object_or_404(RegulationTemplate, pk=template_id)
        services.regulation_template_make_default(template=template)
        return Response(
            TemplateOutput(selectors.regulation_template_list().get(pk=template.pk)).data
        )


class RegulationVersionListApi(APIView):
    permission_classes = [OperatorWritesDepartmentReads]

    class InputSerializer(VersionInput):
        based_on = serializers.IntegerField(required=False)

    @extend_schema(responses=VersionOutput(many=True))
    def get(self, request: Request, template_id: int) -> Response:
        template = get_object_or_404(RegulationTemplate, pk=template_id)
        versions = selectors.regulation_version_list(template=template).select_related(
            "template", "created_by", "published_by"
        )
        return Response(VersionOutput(versions, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: VersionOutput})
    def post(self, request: Request, template_id: int) -> Response:
        template = get_object_or_404(RegulationTemplate, pk=template_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        body = dict(data.validated_data)
        based_on = None
        if "based_on" in body:
            based_on = template.versions.filter(pk=body.pop("based_on")).first()
            if based_on is None:
                raise serializers.ValidationError({"based_on": ["Нет такой редакции положения."]})
        version = services.regulation_version_create(
            template=template,
            based_on=based_on,
            by=request.user,  # type: ignore[arg-type]
            **body,
        )
        return Response(VersionOutput(version).data, status=status.HTTP_201_CREATED)


class RegulationVersionDetailApi(APIView):
    permission_classes = [OperatorWritesDepartmentReads]

    @extend_schema(responses=VersionOutput)
    def get(self, request: Request, version_id: int) -> Response:
        version = get_object_or_404(
            RegulationVersion.objects.select_related("template"), pk=version_id
        )
        return Response(VersionOutput(version).data)

    @extend_schema(request=VersionInput, responses=VersionOutput)
    def patch(self, request: Request, version_id: int) -> Response:
        version = get_object_or_404(RegulationVersion, pk=version_id)
        data = VersionInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.regulation_version_update(
            version=version,
            by=request.user,  # type: ignore[arg-type]
            **data.validated_data,
        )
        return Response(VersionOutput(version).data)


class RegulationVersionPublishApi(APIView):
    permission_classes = [IsOperator]

    @extend_schema(request=None, responses=VersionOutput)
    def post(self, request: Request, version_id: int) -> Response:
        version = get_object_or_404(RegulationVersion, pk=version_id)
        version = services.regulation_version_publish(
            version=version,
            by=request.user,  # type: ignore[arg-type]
        )
        return Response(VersionOutput(version).data)


# --- period schemes and report forms ------------------------------------------------------


class PeriodSchemeListApi(APIView):
    permission_classes = [OperatorWritesDepartmentReads]

    class InputSerializer(serializers.Serializer[dict[str, Any]]):
        code = serializers.CharField(max_length=63)
        title = serializers.CharField(max_length=300)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        bands = serializers.JSONField()
        is_default = serializers.BooleanField(default=False)

    @extend_schema(responses=PeriodSchemeOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response(PeriodSchemeOutput(selectors.period_scheme_list(), many=True).data)

    @extend_schema(request=InputSerializer, responses={201: PeriodSchemeOutput})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scheme = services.period_scheme_create(
            by=request.user,  # type: ignore[arg-type]
            **data.validated_data,
        )
        return Response(PeriodSchemeOutput(scheme).data, status=status.HTTP_201_CREATED)


class PeriodCalendarApi(APIView):
    permission_classes = [IsOperator]

    class InputSerializer(serializers.Serializer[dict[str, Any]]):
        start_year = serializers.IntegerField()
        periods = serializers.JSONField()
        holidays = serializers.JSONField(required=False)

    @extend_schema(request=InputSerializer, responses=PeriodSchemeOutput)
    def post(self, request: Request, scheme_id: int) -> Response:
        scheme = get_object_or_404(PeriodScheme, pk=scheme_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        services.period_calendar_set(
            scheme=scheme,
            start_year=body["start_year"],
            periods=body["periods"],
            holidays=body.get("holidays", []),
        )
        return Response(PeriodSchemeOutput(selectors.period_scheme_list().get(pk=scheme.pk)).data)


class ReportFormListApi(APIView):
    permission_classes = [OperatorWritesDepartmentReads]

    class InputSerializer(serializers.Serializer[dict[str, Any]]):
        code = serializers.CharField(max_length=63)
        title = serializers.CharField(max_length=300)
        requirement = serializers.CharField(max_length=16, required=False, default="")
        description = serializers.CharField(required=False, allow_blank=True, default="")
        row_kind = serializers.CharField(max_length=32)
        parameters = serializers.JSONField(required=False)
        columns = serializers.JSONField()

    @extend_schema(responses=ReportFormOutput(many=True))
    def get(self, request: Request) -> Response:
        latest_only = request.query_params.get("all") not in {"1", "true"}
        forms = selectors.report_form_list(latest_only=latest_only)
        return Response(ReportFormOutput(forms, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: ReportFormOutput})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        form = services.report_form_create(
            by=request.user,  # type: ignore[arg-type]
            **data.validated_data,
        )
        return Response(ReportFormOutput(form).data, status=status.HTTP_201_CREATED)


# --- adoption -----------------------------------------------------------------------------


class AdoptionListApi(APIView):
    """Which school is on which version; adopt (or roll forward) one, many or all schools."""

    permission_classes = [IsOperator]

    class InputSerializer(serializers.Serializer[dict[str, Any]]):
        schools = serializers.PrimaryKeyRelatedField(
            many=True, queryset=school_list(), required=False
        )
        all_schools = serializers.BooleanField(default=False)
        regulation_version = serializers.PrimaryKeyRelatedField(
            queryset=RegulationVersion.objects.all()
        )
        period_scheme = serializers.PrimaryKeyRelatedField(
            queryset=PeriodScheme.objects.all(), required=False, allow_null=True
        )
        overrides = serializers.DictField(required=False, allow_null=True)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if not attrs.get("schools") and not attrs.get("all_schools"):
                raise serializers.ValidationError(
                    {"schools": ["Выберите школы или укажите all_schools."]}
                )
            return attrs

    @extend_schema(responses=SchoolAdoptionOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response(SchoolAdoptionOutput(selectors.school_adoption_list(), many=True).data)

    @extend_schema(request=InputSerializer, responses=SchoolAdoptionOutput(many=True))
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        schools = (
            list(school_list().exclude(status=School.Status.ARCHIVED))
            if body["all_schools"]
            else body["schools"]
        )
        adopted = services.schools_adopt(
            schools=schools,
            regulation_version=body["regulation_version"],
            period_scheme=body.get("period_scheme"),
            overrides=body.get("overrides"),
            by=request.user,  # type: ignore[arg-type]
        )
        ids = [a.school_id for a in adopted]
        rows = selectors.school_adoption_list().filter(pk__in=ids)
        return Response(SchoolAdoptionOutput(rows, many=True).data)


class AdoptionHistoryApi(APIView):
    permission_classes = [IsOperator]

    @extend_schema(responses=AdoptionRecordOutput(many=True))
    def get(self, request: Request) -> Response:
        school = None
        if "school" in request.query_params:
            school_id = request.query_params["school"]
            if not school_id.isdigit():
                raise serializers.ValidationError({"school": ["Укажите номер школы."]})
            school = get_object_or_404(school_list(), pk=int(school_id))
        records = selectors.adoption_history(school=school)
        return Response(AdoptionRecordOutput(records, many=True).data)
