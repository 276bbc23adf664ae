"""Reads of what came from another school (TEN-4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from journal.roster.selectors import pupil_get
from journal.transfer.models import TransferImport, TransferredAbsence, TransferredMark


@dataclass(frozen=True)
class TransferredRecords:
    imports: list[TransferImport]
    marks: list[TransferredMark]
    absences: list[TransferredAbsence]


def transferred_records(*, pupil_id: int, for_user: Any) -> TransferredRecords:
    """Marks and absences brought by transfer packages, for whoever may see the pupil.

    The rows are read-only (append-only triggers) and each carries the school it came
    from, so a page can show them apart from this school's own marks. 404 when the user
    may not see the pupil; the read is logged by `pupil_get` (ROLE-4).
    """
    pupil = pupil_get(pupil_id=pupil_id, for_user=for_user)
    return TransferredRecords(
        imports=list(TransferImport.objects.filter(pupil=pupil).order_by("imported_at", "id")),
        marks=list(
            TransferredMark.objects.filter(pupil=pupil)
            .select_related("transfer")
            .order_by("date", "subject_title", "id")
        ),
        absences=list(
            TransferredAbsence.objects.filter(pupil=pupil)
            .select_related("transfer")
            .order_by("date", "subject_title", "id")
        ),
    )
