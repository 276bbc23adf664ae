"""The logins `make demo` prints are real users of the seeded journal."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django_tenants.utils import schema_context

from accounts.models import User
from demo.management.commands.demo_seed import JOURNAL_LOGINS
from journal.structure.models import ClassGroup


def test_every_printed_journal_login_exists_after_the_seed(school2: Any) -> None:
    with schema_context("school2"):
        call_command("demo_seed_journal", pupils=2, weeks=1, verbosity=0)
        existing = set(
            User.objects.filter(username__in=JOURNAL_LOGINS).values_list("username", flat=True)
        )
        assert existing == set(JOURNAL_LOGINS)
        fifth = ClassGroup.objects.select_related("class_teacher__user").get(grade=5)
        assert fifth.class_teacher is not None
        assert fifth.class_teacher.user.username == "teacher021"  # printed as 5А's
