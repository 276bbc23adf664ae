"""The typed rules of an adopted regulation (TPL-1): what the journal's services enforce.

This dataclass is the contract between the control plane (which stores, validates and
versions rules as JSON) and the journal (which reads them through
`catalog.selectors.current_rules`). Add fields with defaults; never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.policy import DEFAULT_SIGN_IN


@dataclass(frozen=True)
class WorkKindRule:
    code: str  # e.g. "test", "oral"
    title: str  # Russian, shown in the UI: "Контрольная работа"
    weight: int  # 1..10, used in the weighted average
    # Written work (001 §2.4, 004 §8.5): its marks are due within days of the work, not on
    # the lesson's day. `mark_deadline_days` overrides `Rules.written_work_mark_deadline_days`
    # for this kind (the school's act may set a different term per kind of work).
    written: bool = False
    mark_deadline_days: int | None = None


@dataclass(frozen=True)
class CorrectionPolicy:
    """Audited corrections of marks (MRK-2). Every seed forbids them (000 §3.9, 002 п.5 ж),
    004 §8.6 «Исправление отметок не допускаются»); a template may allow them."""

    allowed: bool = False
    window_days: int = 7
    roles: tuple[str, ...] = ("deputy", "director")
    reason_required: bool = True


DEFAULT_WORK_KINDS: tuple[WorkKindRule, ...] = (
    WorkKindRule("oral", "Ответ на уроке", 1),
    WorkKindRule("homework", "Домашняя работа", 1),
    WorkKindRule("independent", "Самостоятельная работа", 2, written=True),
    WorkKindRule("practical", "Практическая работа", 2, written=True),
    WorkKindRule("lab", "Лабораторная работа", 2, written=True),
    WorkKindRule("dictation", "Диктант", 3, written=True),
    WorkKindRule("essay", "Сочинение", 3, written=True),
    WorkKindRule("test", "Контрольная работа", 3, written=True),
)

# Where a deadline is counted from (000 §3.9: "3 hours after the end of the pupils' lessons
# of each day"; the older reading: the end of the lesson's calendar day).
DEADLINE_FROM_DAY_END = "day_end"
DEADLINE_FROM_LESSONS_END = "lessons_end"

# Sign-in methods per kind of account (TPL-5) are named in accounts.policy, which applies
# them at sign-in.


@dataclass(frozen=True)
class Rules:
    version_id: int | None = None  # the adopted template version (None: built-in default)
    mark_scale: tuple[int, ...] = (2, 3, 4, 5)  # 000 §3.9
    grades_without_marks: tuple[int, ...] = (1,)  # 000 §3.9
    mark_entry_deadline_hours: int = 24  # after `mark_entry_deadline_from`
    # "day_end": the end of the lesson's calendar day; "lessons_end": the end of the class's
    # last lesson that day by the bell schedule (000 §3.9: 3 hours after the lessons end).
    mark_entry_deadline_from: str = DEADLINE_FROM_DAY_END
    homework_deadline_hours: int = 0  # 001 §2.2: hours after the end of that day's lessons
    backdating_window_days: int = 0  # 000/002/004: back-dating forbidden
    correction: CorrectionPolicy = field(default_factory=CorrectionPolicy)
    paper_copy_cadence: dict[str, str] = field(
        default_factory=lambda: {"2-9": "quarter", "10-11": "half_year"}  # 002 §4
    )
    parent_printout_days: int = 7  # 001: weekly
    retention_journal_years: int = 5  # 000 §4.1
    retention_summary_years: int = 25  # 000 §4.1
    min_marks_per_weekly_hour: int = 1  # 002 §5 д, 004 §8.4 (accumulation)
    systematic_absence_threshold: int = 3  # unexcused absences in a row that raise a flag
    work_kinds: tuple[WorkKindRule, ...] = DEFAULT_WORK_KINDS
    # 001 §2.4: marks for completed (written) work within one week of the work.
    written_work_mark_deadline_days: int = 7
    # 004 §8.6: errors, gaps and remarks in the lesson records (topics, homework, missing
    # entries) are mended within 7 days of the lesson; marks are not (see `correction`).
    mending_window_days: int = 7
    sign_in: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_SIGN_IN))
    # Who issues temporary pupil logins (004 §3.2: the class teacher; §5.4: the journal
    # administrator).
    temporary_login_issuers: tuple[str, ...] = ("class_teacher",)
    # STAT-1, SEC-4: the department's statistics hide a cell describing fewer than this
    # many pupils (small-cell suppression, docs/department.md); the municipality applies
    # the largest k of the schools' adopted rules.
    small_cell_k: int = 5

    def work_kind(self, code: str) -> WorkKindRule | None:
        return next((k for k in self.work_kinds if k.code == code), None)

    def mark_deadline_days(self, work_kind: str) -> int | None:
        """Days after the lesson within which a mark of this kind is entered on time;
        None: the lesson's own entry deadline applies (not a written work)."""
        kind = self.work_kind(work_kind)
        if kind is None or not (kind.written or kind.mark_deadline_days is not None):
            return None
        if kind.mark_deadline_days is not None:
            return kind.mark_deadline_days
        return self.written_work_mark_deadline_days

    def paper_copy_kind(self, grade: int) -> str | None:
        """The kind of period after which the class's paper copy is made (002 п.4)."""
        for band, kind in self.paper_copy_cadence.items():
            first, _, last = band.partition("-")
            if int(first) <= grade <= int(last or first):
                return kind
        return None


DEFAULT_RULES = Rules()
