"""Transfer packages between schools (TEN-4)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from journal.access import JournalApiView
from journal.roster.selectors import pupil_get
from journal.transfer import services


class TransferExportApi(JournalApiView):
    @extend_schema(request=None, summary="Выгрузить подписанный пакет перевода (TEN-4)")
    def post(self, request: Request, pupil_id: int) -> Response:
        pupil = pupil_get(pupil_id=pupil_id, for_user=request.user)
        package = services.transfer_export(pupil=pupil, by=request.user)
        return Response({"package": package}, status=201)


class TransferImportApi(JournalApiView):
    class Input(serializers.Serializer):
        package = serializers.CharField()

    @extend_schema(request=Input, summary="Загрузить пакет из другой школы (TEN-4)")
    def post(self, request: Request, pupil_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        pupil = pupil_get(pupil_id=pupil_id, for_user=request.user)
        record = services.transfer_import(
            pupil=pupil, package=data.validated_data["package"], by=request.user
        )
        return Response(
            {"id": record.pk, "source_school": record.source_school, "marks": record.marks.count()},
            status=201,
        )
