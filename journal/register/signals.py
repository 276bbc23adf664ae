"""What the register tells the apps that build on it (COM-2, DIA-2).

Notifications to parents live above the register (`journal.messaging`), so the register
announces what it wrote instead of calling that app. Sent inside the writing transaction:
a receiver's rows commit or roll back with the marks themselves.
"""

from __future__ import annotations

from django.dispatch import Signal

# `marks_save`: `lesson` and `marks` (the new Mark rows) once they are saved.
marks_saved = Signal()
# `attendance_save` / `attendance_reason_set`: `lesson` and `attendance` (rows now stored).
attendance_saved = Signal()
# `mark_correct`: `mark` and `correction` (its new value; None: the mark is annulled).
mark_corrected = Signal()
# `period_mark_create`: `period_mark` (period, year, exam or final) once it is saved.
period_mark_saved = Signal()
