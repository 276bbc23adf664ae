"""The register's announcements (journal.register.signals) → notification events (COM-2);
the structure's schedule changes (journal.structure.signals) → announcements (SET-1, COM-1)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from journal.messaging import notifications, services
from journal.register.signals import (
    attendance_saved,
    mark_corrected,
    marks_saved,
    period_mark_saved,
)
from journal.structure.signals import schedule_changed


@receiver(marks_saved, dispatch_uid="messaging.marks_saved")
def _on_marks(sender: Any, *, lesson: Any, marks: Any, **kwargs: Any) -> None:
    notifications.events_from_marks(lesson=lesson, marks=marks)


@receiver(attendance_saved, dispatch_uid="messaging.attendance_saved")
def _on_attendance(
    sender: Any, *, lesson: Any, attendance: Any, present: Any = (), **kwargs: Any
) -> None:
    notifications.events_from_attendance(lesson=lesson, attendance=attendance, present=present)


@receiver(period_mark_saved, dispatch_uid="messaging.period_mark_saved")
def _on_period_mark(sender: Any, *, period_mark: Any, **kwargs: Any) -> None:
    notifications.events_from_period_mark(period_mark=period_mark)


@receiver(mark_corrected, dispatch_uid="messaging.mark_corrected")
def _on_correction(sender: Any, *, mark: Any, correction: Any, **kwargs: Any) -> None:
    notifications.events_from_correction(mark=mark, new_value=correction.new_value)


@receiver(schedule_changed, dispatch_uid="messaging.schedule_changed")
def _on_schedule_change(sender: Any, *, breaks: Any, by: Any, **kwargs: Any) -> None:
    services.schedule_announcements_sync(breaks=breaks, by=by)
