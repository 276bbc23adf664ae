"""The typed rules of an adopted regulation (TPL-1): what the journal's services enforce.

This dataclass is the contract between the control plane (which stores, validates and
versions rules as JSON) and the journal (which reads them through
`catalog.selectors.current_rules`). Add fields with defaults; never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class WorkKindRule:
    code: str  # e.g. "test", "oral"
    title: str  # Russian, shown in the UI: "Контрольная работа"
    weight: int  # 1..10, used in the weighted average


@dataclass(frozen=True)
class CorrectionPolicy:
    allowed: bool = True
    window_days: int = 7  # 004 §8.6: errors mended within 7 days
    roles: tuple[str, ...] = ("deputy", "director")
    reason_required: bool = True


DEFAULT_WORK_KINDS: tuple[WorkKindRule, ...] = (
    WorkKindRule("oral", "Ответ на уроке", 1),
    WorkKindRule("homework", "Домашняя работа", 1),
    WorkKindRule("independent", "Самостоятельная работа", 2),
    WorkKindRule("practical", "Практическая работа", 2),
    WorkKindRule("lab", "Лабораторная работа", 2),
    WorkKindRule("dictation", "Диктант", 3),
    WorkKindRule("essay", "Сочинение", 3),
    WorkKindRule("test", "Контрольная работа", 3),
)


@dataclass(frozen=True)
class Rules:
    version_id: int | None = None  # the adopted template version (None: built-in default)
    mark_scale: tuple[int, ...] = (2, 3, 4, 5)  # 000 §3.9
    grades_without_marks: tuple[int, ...] = (1,)  # 000 §3.9
    mark_entry_deadline_hours: int = 24  # after the lesson's day ends (000: same day)
    homework_deadline_hours: int = 0  # 001 §2.2: before the end of that day's lessons
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


DEFAULT_RULES = Rules()
