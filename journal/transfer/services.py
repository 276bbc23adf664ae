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
from django.db import IntegrityError, transaction
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
PACKAGE_VERSION = 1


def transfer_export(*, pupil: Pupil, by: Any) -> str:
    """The signed package of the pupil's marks and attendance for the current year."""
    require_roles(scope_for(by), ROSTER_MANAGERS)
    year = AcademicYear.objects.filter(is_current=True).first()
    marks = (
        Mark.objects.filter(pupil=pupil)
        .select_related("lesson__assignment__subject", "work_kind")
        .order_by("lesson__date", "lesson__slot", "id")
    )
    attendance = Attendance.objects.filter(pupil=pupil).select_related(
        "lesson__assignment__subject"
    )
    period_marks = PeriodMark.objects.filter(pupil=pupil)
    if year:
        # Only the current year travels: lesson marks, period marks and attendance alike.
        marks = marks.filter(lesson__date__gte=year.starts_on, lesson__date__lte=year.ends_on)
        attendance = attendance.filter(
            lesson__date__gte=year.starts_on, lesson__date__lte=year.ends_on
        )
        period_marks = period_marks.filter(assignment__year=year)
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
    for pm in period_marks.select_related("assignment__subject", "period"):
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
        for a in attendance.order_by("lesson__date", "lesson__slot")
    ]
    user = pupil.user
    payload = {
        "version": PACKAGE_VERSION,
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
    if not isinstance(data, dict) or data.get("version", PACKAGE_VERSION) != PACKAGE_VERSION:
        raise ValidationError({"package": ["Неизвестный формат пакета перевода."]})
    errors: dict[str, list[str]] = {}
    if data.get("source_schema") == db.schema_name:
        errors["package"] = ["Пакет выгружен из этой же школы."]
    person = data.get("pupil") or {}
    if (person.get("last_name"), person.get("first_name")) != (
        pupil.user.last_name,
        pupil.user.first_name,
    ):
        errors["pupil_id"] = ["Фамилия и имя в пакете не совпадают с данными обучающегося."]
    elif (
        person.get("birth_date")
        and pupil.birth_date
        and (person["birth_date"] != pupil.birth_date.isoformat())
    ):
        errors["pupil_id"] = ["Дата рождения в пакете не совпадает с данными обучающегося."]
    # Replaying a package is refused, not silently ignored: the secretary learns that the
    # records are already there (the package id is unique in the receiving school).
    if TransferImport.objects.filter(package_id=data.get("package_id")).exists():
        errors["package"] = ["Этот пакет уже загружен."]
    if errors:
        raise ValidationError(errors)
    try:
        marks = [
            TransferredMark(
                pupil=pupil,
                subject_title=str(m["subject"])[:200],
                date=dt.date.fromisoformat(m["date"]),
                value=str(m["value"])[:8],
                work_kind_title=str(m.get("work_kind", ""))[:200],
                weight=int(m.get("weight", 1)),
                kind=str(m.get("kind", "lesson"))[:8],
            )
            for m in data.get("marks", [])
        ]
        absences = [
            TransferredAbsence(
                pupil=pupil,
                subject_title=str(a["subject"])[:200],
                date=dt.date.fromisoformat(a["date"]),
                code=str(a["code"])[:1],
            )
            for a in data.get("absences", [])
        ]
        header = {
            "source_school": str(data["source_school"])[:300],
            "source_schema": str(data["source_schema"])[:63],
            "package_id": str(data["package_id"])[:64],
            "exported_at": dt.datetime.fromisoformat(data["exported_at"]),
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError({"package": ["Пакет повреждён: не хватает данных."]}) from exc
    try:
        with transaction.atomic():
            record = TransferImport.objects.create(pupil=pupil, imported_by=by, **header)
    except IntegrityError as exc:  # the same package posted twice at the same moment
        raise ValidationError({"package": ["Этот пакет уже загружен."]}) from exc
    for mark in marks:
        mark.transfer = record
    for absence in absences:
        absence.transfer = record
    TransferredMark.objects.bulk_create(marks)
    TransferredAbsence.objects.bulk_create(absences)
    access_log(user=by, action="import", what="transfer.package", pupil_ids=[pupil.pk])
    return record
