"""Pupil transfer between schools of the municipality (TEN-4).

The sending school exports the pupil's marks and attendance for the current year as a
package signed with the deployment's key (django.core.signing: HMAC-SHA256, timestamped);
the receiving school verifies the signature and stores the rows read-only, marked as
coming from the other school. No query ever crosses schemas: the package is the only carrier.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.tenancy import db
from journal.access import ROSTER_MANAGERS, require_roles, scope_for
from journal.audit.services import access_log
from journal.register.models import Attendance, Mark, MarkCorrection, PeriodMark
from journal.register.services import effective_value
from journal.roster.models import Pupil
from journal.structure.models import AcademicYear
from journal.transfer.models import TransferImport, TransferredAbsence, TransferredMark

PACKAGE_MAX_AGE = dt.timedelta(days=90)


def transfer_export(*, pupil: Pupil, by: Any) -> str:
    """The signed package of the pupil's marks and attendance for the current year."""
    require_roles(scope_for(by), ROSTER_MANAGERS)
    year = AcademicYear.objects.filter(is_current=True).first()
    marks = Mark.objects.filter(pupil=pupil).select_related(
        "lesson__assignment__subject", "work_kind"
    )
    if year:
        marks = marks.filter(lesson__date__gte=year.starts_on, lesson__date__lte=year.ends_on)
    corrections: dict[int, list[MarkCorrection]] = {}
    for c in MarkCorrection.objects.filter(mark__in=marks).order_by("corrected_at", "id"):
        corrections.setdefault(c.mark_id, []).append(c)
    mark_rows = []
    for m in marks:
        value = effective_value(m, corrections.get(m.pk, []))
        if value is None:
            continue
        mark_rows.append(
            {
                "subject": m.lesson.assignment.subject.title,
                "date": m.lesson.date.isoformat(),
                "value": str(value),
                "work_kind": m.work_kind.title,
                "weight": m.weight,
                "kind": "lesson",
            }
        )
    for pm in PeriodMark.objects.filter(pupil=pupil).select_related(
        "assignment__subject", "period"
    ):
        mark_rows.append(
            {
                "subject": pm.assignment.subject.title,
                "date": (pm.period.ends_on if pm.period else pm.entered_at.date()).isoformat(),
                "value": pm.value,
                "work_kind": pm.get_kind_display(),
                "weight": 0,
                "kind": pm.kind,
            }
        )
    absences = [
        {
            "subject": a.lesson.assignment.subject.title,
            "date": a.lesson.date.isoformat(),
            "code": a.code,
        }
        for a in Attendance.objects.filter(pupil=pupil).select_related(
            "lesson__assignment__subject"
        )
    ]
    user = pupil.user
    payload = {
        "package_id": uuid.uuid4().hex,
        "source_schema": db.schema_name,
        "source_school": str(getattr(db.tenant, "name", db.schema_name)),
        "exported_at": timezone.now().isoformat(),
        "pupil": {
            "last_name": user.last_name,
            "first_name": user.first_name,
            "patronymic": user.patronymic,
            "birth_date": pupil.birth_date.isoformat() if pupil.birth_date else None,
        },
        "marks": mark_rows,
        "absences": absences,
    }
    access_log(user=by, action="export", what="transfer.package", pupil_ids=[pupil.pk])
    return signing.dumps(payload, salt=settings.JOURNAL_TRANSFER_SALT, compress=True)


@transaction.atomic
def transfer_import(*, pupil: Pupil, package: str, by: Any) -> TransferImport:
    """Verify a package and attach its records to the pupil, read-only (TEN-4)."""
    require_roles(scope_for(by), ROSTER_MANAGERS)
    try:
        data = signing.loads(
            package,
            salt=settings.JOURNAL_TRANSFER_SALT,
            max_age=PACKAGE_MAX_AGE,
        )
    except signing.SignatureExpired as exc:
        raise ValidationError({"package": ["Пакет устарел: запросите новую выгрузку."]}) from exc
    except signing.BadSignature as exc:
        raise ValidationError(
            {"package": ["Подпись пакета неверна: пакет изменён или чужой."]}
        ) from exc
    errors: dict[str, list[str]] = {}
    if data.get("source_schema") == db.schema_name:
        errors["package"] = ["Пакет выгружен из этой же школы."]
    person = data.get("pupil", {})
    if (person.get("last_name"), person.get("first_name")) != (
        pupil.user.last_name,
        pupil.user.first_name,
    ):
        errors["pupil_id"] = ["Фамилия и имя в пакете не совпадают с данными обучающегося."]
    if TransferImport.objects.filter(package_id=data.get("package_id")).exists():
        errors["package"] = ["Этот пакет уже загружен."]
    if errors:
        raise ValidationError(errors)
    record = TransferImport.objects.create(
        pupil=pupil,
        source_school=data["source_school"],
        source_schema=data["source_schema"],
        package_id=data["package_id"],
        exported_at=dt.datetime.fromisoformat(data["exported_at"]),
        imported_by=by,
    )
    TransferredMark.objects.bulk_create(
        TransferredMark(
            transfer=record,
            pupil=pupil,
            subject_title=m["subject"],
            date=dt.date.fromisoformat(m["date"]),
            value=m["value"],
            work_kind_title=m["work_kind"],
            weight=m["weight"],
            kind=m["kind"],
        )
        for m in data.get("marks", [])
    )
    TransferredAbsence.objects.bulk_create(
        TransferredAbsence(
            transfer=record,
            pupil=pupil,
            subject_title=a["subject"],
            date=dt.date.fromisoformat(a["date"]),
            code=a["code"],
        )
        for a in data.get("absences", [])
    )
    access_log(user=by, action="import", what="transfer.package", pupil_ids=[pupil.pk])
    return record
