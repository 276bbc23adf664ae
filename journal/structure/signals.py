"""What the school's structure tells the apps that build on it (SET-1, COM-1).

Announcements live above the structure (`journal.messaging`), so the structure says what
changed in the schedule instead of calling that app. Sent inside the writing transaction:
a receiver's rows commit or roll back with the change itself.
"""

from __future__ import annotations

from django.dispatch import Signal

# `schedule_break_create` and an order's new edition cutting the old one's changes:
# `breaks` (the ScheduleBreak rows now stored) and `by` (who made the change).
schedule_changed = Signal()
