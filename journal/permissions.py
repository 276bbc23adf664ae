"""The journal's object permissions (django-guardian codenames), named once.

Services grant them when the fact behind them is recorded; `journal.access.scope_for`
reads them back in one query. Models declare them in `Meta.permissions` by these names.
"""

from __future__ import annotations

TEACH_ASSIGNMENT = "teach_assignment"  # structure.TeachingAssignment: its teacher
LEAD_CLASS = "lead_class"  # structure.ClassGroup: the class teacher
SUBSTITUTE_LESSON = "substitute_lesson"  # register.Lesson: a granted substitute
VIEW_CHILD = "view_child"  # roster.Pupil: a linked parent (guardian)
BE_PUPIL = "be_pupil"  # roster.Pupil: the pupil themself

# As django-guardian's `assign_perm` / `remove_perm` take them: "<app label>.<codename>".
TEACH_ASSIGNMENT_PERM = f"structure.{TEACH_ASSIGNMENT}"
LEAD_CLASS_PERM = f"structure.{LEAD_CLASS}"
SUBSTITUTE_LESSON_PERM = f"register.{SUBSTITUTE_LESSON}"
VIEW_CHILD_PERM = f"roster.{VIEW_CHILD}"
BE_PUPIL_PERM = f"roster.{BE_PUPIL}"

OBJECT_CODENAMES = (TEACH_ASSIGNMENT, LEAD_CLASS, SUBSTITUTE_LESSON, VIEW_CHILD, BE_PUPIL)
# Rights that count only while the pupil's written consent is in force (SET-5).
CONSENT_BOUND_CODENAMES = (VIEW_CHILD, BE_PUPIL)
