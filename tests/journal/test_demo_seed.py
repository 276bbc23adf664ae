"""make demo: the journal seed fills a school and is idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django_tenants.utils import schema_context

from journal.planning.models import ThematicPlan
from journal.register.models import Lesson, Mark, MarkCorrection
from journal.roster.models import Consent, Pupil
from journal.structure.models import ClassGroup, TimetableEntry


def test_demo_seed_fills_a_school_once(school2: Any) -> None:
    with schema_context("school2"):
        call_command("demo_seed_journal", pupils=3, weeks=2, verbosity=0)
        assert ClassGroup.objects.count() == 11
        assert Pupil.objects.count() == 33
        assert Consent.objects.exists()
        assert TimetableEntry.objects.exists() and ThematicPlan.objects.exists()
        assert Lesson.objects.exists()
        marks = Mark.objects.count()
        corrections = MarkCorrection.objects.count()
        # On any day of the year, the holidays and the summer included (make test-dates).
        assert marks > 0
        assert 0 < corrections <= marks
        call_command("demo_seed_journal", pupils=3, weeks=2, verbosity=0)
        assert Pupil.objects.count() == 33 and Mark.objects.count() == marks
        assert MarkCorrection.objects.count() == corrections
