"""Transfer packages between schools (TEN-4)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from journal.access import JournalApiView
from journal.roster.selectors import pupil_get
from journal.transfer import selectors, services


class TransferExportApi(JournalApiView):
    class Output(serializers.Serializer):
        package = serializers.CharField(help_text="Подписанный пакет (django.core.signing)")

    @extend_schema(
        request=None, responses={201: Output}, summary="Выгрузить подписанный пакет перевода"
    )
    def post(self, request: Request, pupil_id: int) -> Response:
        pupil = pupil_get(pupil_id=pupil_id, for_user=request.user)
        package = services.transfer_export(pupil=pupil, by=request.user)
        return Response({"package": package}, status=201)


class TransferImportApi(JournalApiView):
    class Input(serializers.Serializer):
        package = serializers.CharField()

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        source_school = serializers.CharField()
        marks = serializers.IntegerField()
        absences = serializers.IntegerField()

    @extend_schema(
        request=Input, responses={201: Output}, summary="Загрузить пакет из другой школы (TEN-4)"
    )
    def post(self, request: Request, pupil_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        pupil = pupil_get(pupil_id=pupil_id, for_user=request.user)
        record = services.transfer_import(
            pupil=pupil, package=data.validated_data["package"], by=request.user
        )
        return Response(
            {
                "id": record.pk,
                "source_school": record.source_school,
                "marks": record.marks.count(),
                "absences": record.absences.count(),
            },
            status=201,
        )


class TransferRecordsApi(JournalApiView):
    """What came from another school: read-only, each row says where it came from."""

    class Output(serializers.Serializer):
        class Import(serializers.Serializer):
            id = serializers.IntegerField()
            source_school = serializers.CharField()
            exported_at = serializers.DateTimeField()
            imported_at = serializers.DateTimeField()

        class Mark(serializers.Serializer):
            subject = serializers.CharField(source="subject_title")
            date = serializers.DateField()
            value = serializers.CharField()
            work_kind = serializers.CharField(source="work_kind_title")
            weight = serializers.IntegerField()
            kind = serializers.CharField()
            source_school = serializers.CharField(source="transfer.source_school")
            # Named "locked", not "read_only": that name is a Field attribute in DRF.
            locked = serializers.SerializerMethodField(
                help_text="Всегда true: отметка другой школы только для просмотра"
            )

            def get_locked(self, obj: object) -> bool:
                return True

        class Absence(serializers.Serializer):
            subject = serializers.CharField(source="subject_title")
            date = serializers.DateField()
            code = serializers.CharField()
            source_school = serializers.CharField(source="transfer.source_school")

        imports = Import(many=True)
        marks = Mark(many=True)
        absences = Absence(many=True)

    @extend_schema(responses=Output, summary="Отметки и пропуски из другой школы (TEN-4)")
    def get(self, request: Request, pupil_id: int) -> Response:
        records = selectors.transferred_records(pupil_id=pupil_id, for_user=request.user)
        return Response(self.Output(records).data)
