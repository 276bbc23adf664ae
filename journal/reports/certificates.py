"""REP-4: the export for school-leaving certificates (аттестаты, 004 §6.10).

Per graduating class: every pupil's final mark per subject, with a consistency check that
lists each pupil whose final mark is missing, contradicts the year and exam marks under the
adopted rule (`journal.register.services.derive_final`, `final_mark_rule`), or whose
subject list differs from the curriculum (`planning.CurriculumLine` of the class's year and
grade). The export (XLSX, CSV) refuses while errors remain unless a deputy or the director
confirms with a reason, recorded with the errors (`CertificateExportConfirmation`).

A pupil's subject list is the class's subjects the pupil is taught (a whole-class
assignment, or membership of one of its subgroups), plus any subject in which the pupil
has a final mark. Five queries whatever the class size.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.http import Http404

from accounts import roles
from catalog.selectors import current_rules
from core.errors import ApplicationError, PermissionDeniedError
from journal.access import Scope, scope_for
from journal.audit.services import access_log
from journal.planning.models import CurriculumLine
from journal.register.models import PeriodMark
from journal.register.services import derive_final, final_mark_rule
from journal.reports.layout import AxisItem, FormDef, ReportTable, Result, build_table
from journal.reports.sources import (
    class_pupils,
    class_subjects,
    latest,
    on_day,
    subgroup_members,
)
from journal.structure.models import ClassGroup

# The grades that finish a level of education and get a certificate (основное общее после
# 9-го, среднее общее после 11-го).
GRADUATING_GRADES = (9, 11)

MISSING = "missing"
CONTRADICTS = "contradicts"
NOT_IN_CURRICULUM = "not_in_curriculum"
CURRICULUM_MISSING = "curriculum_missing"

CERTIFICATES = FormDef(
    code="certificate-marks",
    version=0,
    title="Итоговые отметки для аттестатов",
    requirement="REP-4",
    parameters=[{"name": "class_group", "title": "Класс", "type": "class_group"}],
    columns=[
        {"key": "pupil", "title": "Обучающийся", "type": "string"},
        {"key": "final", "title": "Итоговая отметка", "type": "mark", "repeat": "subject"},
    ],
)


@dataclass(frozen=True)
class CertificateIssue:
    pupil_id: int
    pupil: str
    subject: str
    kind: str
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "pupil_id": self.pupil_id,
            "pupil": self.pupil,
            "subject": self.subject,
            "kind": self.kind,
            "text": self.text,
        }


@dataclass
class CertificateSheet:
    class_group: ClassGroup
    subjects: list[AxisItem]
    rows: list[dict[str, Any]]
    issues: list[CertificateIssue] = field(default_factory=list)
    pupil_ids: list[int] = field(default_factory=list)
    data_at: Any = None

    @property
    def ready(self) -> bool:
        return not self.issues

    def table(self) -> ReportTable:
        return build_table(
            CERTIFICATES,
            Result(
                rows=self.rows,
                axes={"subject": self.subjects},
                caption=[f"Класс {self.class_group.title}, {self.class_group.year.title}"],
                pupil_ids=self.pupil_ids,
                data_at=self.data_at,
            ),
        )


def may_confirm(scope: Scope) -> bool:
    return scope.has(roles.DEPUTY, roles.DIRECTOR)


def _class_for(class_group_id: int, scope: Scope) -> ClassGroup:
    cls = ClassGroup.objects.select_related("year", "class_teacher__user").filter(pk=class_group_id)
    found = cls.first()
    # The heads and the class teacher; a teacher or another school's id: 404.
    if found is None or not (scope.whole_school or found.pk in scope.class_ids):
        raise Http404
    return found


def certificate_sheet(*, class_group_id: int, for_user: Any) -> CertificateSheet:
    """The final marks of a graduating class with the consistency check (REP-4)."""
    scope = scope_for(for_user)
    cls = _class_for(class_group_id, scope)
    if cls.grade not in GRADUATING_GRADES:
        raise ApplicationError("Аттестаты выдаются в 9-х и 11-х классах.")
    year = cls.year
    rule = final_mark_rule(current_rules())
    subjects = class_subjects(cls, scope)
    groups = subgroup_members(cls)
    pupils = on_day(class_pupils(cls, year.starts_on, year.ends_on), year.ends_on)
    ids = [p.id for p in pupils]
    curriculum = dict(
        CurriculumLine.objects.filter(year=year, grade=cls.grade).values_list(
            "subject_id", "subject__title"
        )
    )
    assignment_subject = {a: s.subject_id for s in subjects for a in s.assignment_ids}
    marks: dict[tuple[int, int, str], str] = {}
    moments = []
    for pid, aid, kind, value, at in PeriodMark.objects.filter(
        assignment_id__in=list(assignment_subject),
        pupil_id__in=ids,
        kind__in=[PeriodMark.Kind.YEAR, PeriodMark.Kind.EXAM, PeriodMark.Kind.FINAL],
    ).values_list("pupil_id", "assignment_id", "kind", "value", "entered_at"):
        marks[(pid, assignment_subject[aid], kind)] = value
        moments.append(at)
    titles = {s.subject_id: s.title for s in subjects} | curriculum
    taught: dict[int, set[int]] = {pid: set() for pid in ids}
    for s in subjects:
        for pid in s.pupils(ids, groups):
            taught[pid].add(s.subject_id)
    rows: list[dict[str, Any]] = []
    issues: list[CertificateIssue] = []
    for p in pupils:
        has_final = {sid for (pid, sid, kind) in marks if pid == p.id and kind == "final"}
        own = taught[p.id] | has_final
        finals: dict[int, str] = {}
        for sid in sorted(own | set(curriculum), key=lambda s: titles[s]):
            title = titles[sid]

            def flag(kind: str, text: str, who: Any = p, sid_title: str = title) -> None:
                issues.append(CertificateIssue(who.id, who.name, sid_title, kind, text))

            if sid not in curriculum:
                flag(NOT_IN_CURRICULUM, "предмет не входит в учебный план класса")
                continue
            if sid not in own:
                flag(CURRICULUM_MISSING, "предмет учебного плана не изучается обучающимся")
                continue
            year_mark = marks.get((p.id, sid, "year"))
            exam = marks.get((p.id, sid, "exam"))
            final = marks.get((p.id, sid, "final"))
            if final is None:
                flag(MISSING, "нет итоговой отметки")
                continue
            finals[sid] = final
            expected = derive_final(year_mark, exam, rule)
            if year_mark is None:
                flag(CONTRADICTS, f"итоговая «{final}» выставлена без годовой")
            elif expected is not None and expected != final:
                given = f"годовой «{year_mark}»" + (
                    f" и экзаменационной «{exam}»" if exam is not None else ""
                )
                flag(CONTRADICTS, f"итоговая «{final}» не следует из {given}: «{expected}»")
        rows.append({"pupil": p.name, "final": finals})
    return CertificateSheet(
        class_group=cls,
        subjects=[
            AxisItem(sid, curriculum[sid]) for sid in sorted(curriculum, key=lambda s: titles[s])
        ],
        rows=rows,
        issues=issues,
        pupil_ids=ids,
        data_at=latest(moments),
    )


def certificate_csv(sheet: CertificateSheet) -> bytes:
    """Semicolon-separated UTF-8 with a BOM (what a Russian Excel opens as is)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Обучающийся", *(s.label for s in sheet.subjects)])
    writer.writerows(sheet.table().text_rows())
    return ("\ufeff" + out.getvalue()).encode("utf-8")


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@transaction.atomic
def certificate_export_create(
    *, class_group_id: int, fmt: str, by: Any, reason: str = ""
) -> tuple[CertificateSheet, bytes]:
    """The certificate file (XLSX or CSV) of a graduating class (REP-4).

    Refused while the check lists errors, unless a deputy or the director gives a reason:
    then who, when, the reason and the errors are recorded before the file is made. The
    export is logged (ROLE-4)."""
    from journal.reports.models import CertificateExportConfirmation
    from journal.reports.render import xlsx_document
    from journal.reports.services import heading

    if fmt not in CONTENT_TYPES:
        raise Http404
    sheet = certificate_sheet(class_group_id=class_group_id, for_user=by)
    reason = reason.strip()
    if sheet.issues:
        if not reason:
            raise ApplicationError(
                f"Выгрузка невозможна: ошибок в итоговых отметках — {len(sheet.issues)}. "
                "Исправьте их или подтвердите выгрузку с указанием причины."
            )
        if not may_confirm(scope_for(by)):
            raise PermissionDeniedError(
                "Выгрузку с ошибками подтверждает заместитель директора или директор."
            )
        CertificateExportConfirmation.objects.create(
            class_group=sheet.class_group,
            confirmed_by=by,
            reason=reason,
            errors=[i.as_dict() for i in sheet.issues],
        )
    if fmt == "csv":
        content = certificate_csv(sheet)
    else:
        from journal.reports.params import Params

        params = Params(
            class_group=sheet.class_group, stored=(("class_group", sheet.class_group.pk),)
        )
        content = xlsx_document(sheet.table(), heading(CERTIFICATES, params))
    access_log(
        user=by,
        action="export",
        what="reports.certificate-marks",
        pupil_ids=sheet.pupil_ids,
        details={"format": fmt, "issues": len(sheet.issues), "confirmed": bool(sheet.issues)},
    )
    return sheet, content
