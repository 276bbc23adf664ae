"""Attestation API (YEAR-2): the control works schedule and its check, attestation events
and their results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from journal.access import CreatedOutput, DateRangeFilters, JournalApiView, query_filters
from journal.attestation import selectors, services
from journal.attestation.models import AttestationEvent, ControlWork
from journal.structure.selectors import assignment_for_reading


def _create_for_assignment(
    request: Request, serializer: type[serializers.Serializer], create: Callable[..., Model]
) -> Response:
    """POST of something planned for a teaching assignment: the input validated, the
    assignment read through the user's scope (another school's or an unseen one: 404), then
    `create(assignment=..., by=..., **the other fields)`; 201 with the new id."""
    data = serializer(data=request.data)
    data.is_valid(raise_exception=True)
    v: dict[str, Any] = dict(data.validated_data)
    assignment, _ = assignment_for_reading(
        assignment_id=v.pop("assignment_id"), for_user=request.user
    )
    created = create(assignment=assignment, by=request.user, **v)
    return Response({"id": created.pk}, status=status.HTTP_201_CREATED)


class ControlWorkCheckApi(JournalApiView):
    class Filters(DateRangeFilters):
        assignment_id = serializers.IntegerField(required=False)
        class_group_id = serializers.IntegerField(required=False)
        year_id = serializers.IntegerField(required=False, help_text="Учебный год")

    class Output(serializers.Serializer):
        work_id = serializers.IntegerField(allow_null=True)
        assignment_id = serializers.IntegerField()
        journal = serializers.CharField()
        kind = serializers.CharField()
        planned_on = serializers.DateField(allow_null=True)
        topic = serializers.CharField()
        status = serializers.ChoiceField(
            choices=["held", "moved", "missing", "planned", "unscheduled"]
        )
        lesson_id = serializers.IntegerField(allow_null=True)
        held_on = serializers.DateField(allow_null=True)

    @extend_schema(
        parameters=[Filters],
        responses=Output(many=True),
        summary="График контрольных, лабораторных, практических работ и их проведение (YEAR-2)",
    )
    def get(self, request: Request) -> Response:
        lines = selectors.control_work_check(
            for_user=request.user, **query_filters(request, self.Filters)
        )
        return Response(self.Output(lines, many=True).data)


class ControlWorkCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        assignment_id = serializers.IntegerField()
        kind = serializers.ChoiceField(choices=ControlWork.Kind.choices)
        planned_on = serializers.DateField()
        topic = serializers.CharField(max_length=500, required=False, allow_blank=True)

    @extend_schema(
        request=Input,
        responses={201: CreatedOutput},
        summary="Внести работу в график (заместитель директора, YEAR-2)",
    )
    def post(self, request: Request) -> Response:
        return _create_for_assignment(request, self.Input, services.control_work_schedule)


class EventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    assignment_id = serializers.IntegerField()
    journal = serializers.SerializerMethodField()
    form = serializers.CharField()
    held_on = serializers.DateField()
    title = serializers.CharField()

    def get_journal(self, obj: AttestationEvent) -> str:
        return f"{obj.assignment.class_group.title} {obj.assignment.subject.title}"


class AttestationEventListApi(JournalApiView):
    class Filters(serializers.Serializer):
        assignment_id = serializers.IntegerField(required=False)
        class_group_id = serializers.IntegerField(required=False)
        year_id = serializers.IntegerField(required=False, help_text="Учебный год")

    class Output(EventOutput):
        result_count = serializers.IntegerField()

    @extend_schema(
        parameters=[Filters],
        responses=Output(many=True),
        summary="Промежуточная аттестация: назначенные события (YEAR-2)",
    )
    def get(self, request: Request) -> Response:
        events = selectors.attestation_event_list(
            for_user=request.user, **query_filters(request, self.Filters)
        )
        return Response(self.Output(events, many=True).data)


class AttestationEventCreateApi(JournalApiView):
    class Input(serializers.Serializer):
        assignment_id = serializers.IntegerField()
        form = serializers.ChoiceField(choices=AttestationEvent.Form.choices)
        held_on = serializers.DateField()
        title = serializers.CharField(max_length=300, required=False, allow_blank=True)

    @extend_schema(
        request=Input,
        responses={201: CreatedOutput},
        summary="Назначить промежуточную аттестацию (заместитель директора, YEAR-2)",
    )
    def post(self, request: Request) -> Response:
        return _create_for_assignment(request, self.Input, services.attestation_event_create)


class ResultOutput(serializers.Serializer):
    pupil_id = serializers.IntegerField()
    name = serializers.CharField(source="pupil.user.full_name")
    value = serializers.CharField()


class AttestationEventDetailApi(JournalApiView):
    class Output(EventOutput):
        results = ResultOutput(many=True)

    @extend_schema(responses=Output, summary="Аттестация и её результаты (YEAR-2)")
    def get(self, request: Request, event_id: int) -> Response:
        event, results = selectors.attestation_event_get(event_id=event_id, for_user=request.user)
        data = dict(EventOutput(event).data)
        data["results"] = ResultOutput(results, many=True).data
        return Response(data)


class AttestationResultsSaveApi(JournalApiView):
    class Input(serializers.Serializer):
        class Item(serializers.Serializer):
            pupil_id = serializers.IntegerField()
            value = serializers.CharField(max_length=8)

        results = Item(many=True, allow_empty=False)

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        pupil_id = serializers.IntegerField()
        value = serializers.CharField()

    @extend_schema(
        request=Input,
        responses={201: Output(many=True)},
        summary="Результаты промежуточной аттестации (учитель предмета, YEAR-2)",
    )
    def post(self, request: Request, event_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        event, _results = selectors.attestation_event_get(event_id=event_id, for_user=request.user)
        saved = services.attestation_results_save(
            event=event,
            results=[services.ResultInput(**r) for r in data.validated_data["results"]],
            by=request.user,
        )
        return Response(self.Output(saved, many=True).data, status=status.HTTP_201_CREATED)


class PupilAttestationResultsApi(JournalApiView):
    class Output(serializers.Serializer):
        event_id = serializers.IntegerField()
        year = serializers.CharField(source="event.assignment.year.title")
        subject = serializers.CharField(source="event.assignment.subject.title")
        form = serializers.CharField(source="event.form")
        held_on = serializers.DateField(source="event.held_on")
        value = serializers.CharField()

    @extend_schema(
        responses=Output(many=True),
        summary="Результаты промежуточной аттестации обучающегося (дневник, DIA-2)",
    )
    def get(self, request: Request, pupil_id: int) -> Response:
        results = selectors.pupil_attestation_results(pupil_id=pupil_id, for_user=request.user)
        return Response(self.Output(results, many=True).data)
