"""Curriculum and КТП import API (PLAN-1, PLAN-2); coverage is in journal.register.api."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import SchoolObjectField
from journal.access import JournalApiView, scope_for
from journal.planning import services
from journal.structure.models import AcademicYear, Subject, TeachingAssignment
from journal.structure.selectors import readable_assignments_q


class CurriculumLineSaveApi(JournalApiView):
    class Input(serializers.Serializer):
        year_id = SchoolObjectField(queryset=AcademicYear.objects.all())
        grade = serializers.IntegerField()
        subject_id = SchoolObjectField(queryset=Subject.objects.all())
        hours_per_year = serializers.IntegerField()

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        hours_per_year = serializers.IntegerField()

    @extend_schema(request=Input, responses={201: Output}, summary="Строка учебного плана (PLAN-1)")
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        line = services.curriculum_line_save(
            year=v["year_id"],
            grade=v["grade"],
            subject=v["subject_id"],
            hours_per_year=v["hours_per_year"],
            by=request.user,
        )
        return Response({"id": line.pk, "hours_per_year": line.hours_per_year}, status=201)


class PlanImportApi(JournalApiView):
    parser_classes = [MultiPartParser, FormParser]

    class Input(serializers.Serializer):
        file = serializers.FileField()

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        total_hours = serializers.IntegerField()
        topics = serializers.IntegerField()

    @extend_schema(
        request=Input, responses={201: Output}, summary="Загрузить КТП из XLSX/CSV (PLAN-2)"
    )
    def post(self, request: Request, assignment_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        scope = scope_for(request.user)
        assignments = (
            TeachingAssignment.objects.filter(readable_assignments_q(scope))
            if scope.is_staff
            else TeachingAssignment.objects.none()
        )
        assignment = get_object_or_404(
            assignments.select_related("class_group", "subject"), pk=assignment_id
        )
        upload = data.validated_data["file"]
        rows = services.parse_plan_file(content=upload.read(), filename=upload.name or "")
        plan = services.thematic_plan_import(assignment=assignment, rows=rows, by=request.user)
        return Response({"id": plan.pk, "total_hours": plan.total_hours, "topics": len(rows)}, 201)
