"""#17: the synthetic municipality: N schools cloned with a small journal, idempotent, dropped."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_tenants.utils import schema_context

from accounts.models import User
from demo.synth import MARKER_PARENT, MARKER_PUPIL, SYNTH_PASSWORD, synth_schools
from journal.register.models import Lesson, Mark
from journal.roster.models import GuardianLink, Pupil
from tenants.models import Domain, School
from tenants.schema_state import disk_migrations, schools_behind


def _schemas() -> set[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tsyn%%'")
        return {row[0] for row in cursor.fetchall()}


def test_creates_n_schools_idempotently_with_markers_and_drop_removes_them(db: None) -> None:
    call_command("municipality_synth", schools=3, prefix="tsyn", pupils_per_school=6, verbosity=0)
    schools = synth_schools("tsyn")
    assert [s.slug for s in schools] == ["tsyn0001", "tsyn0002", "tsyn0003"]
    assert _schemas() == {"tsyn0001", "tsyn0002", "tsyn0003"}
    assert Domain.objects.filter(tenant__in=schools).count() == 3
    # Every clone is at the code's migration state.
    assert (
        schools_behind(
            schemas=[s.schema_name for s in schools], target=disk_migrations(tenant=True)
        )
        == {}
    )
    for school in schools:
        assert school.slug in school.name
        with schema_context(school.schema_name):
            pupil = User.objects.get(username=MARKER_PUPIL)
            assert pupil.last_name == f"Маркер-{school.slug}"
            assert pupil.check_password(SYNTH_PASSWORD)
            assert Pupil.objects.count() == 6
            assert GuardianLink.objects.filter(
                guardian__user__username=MARKER_PARENT, pupil__user=pupil
            ).exists()
            assert Lesson.objects.exists() and Mark.objects.exists()
            # Another school's marker is nowhere in this one.
            others = [s.slug for s in schools if s != school]
            assert not User.objects.filter(last_name__in=[f"Маркер-{o}" for o in others]).exists()

    call_command("municipality_synth", schools=4, prefix="tsyn", verbosity=0)
    assert [s.slug for s in synth_schools("tsyn")] == [
        "tsyn0001",
        "tsyn0002",
        "tsyn0003",
        "tsyn0004",
    ]
    first_ids = {s.slug: s.pk for s in schools}
    assert {s.slug: s.pk for s in synth_schools("tsyn")[:3]} == first_ids  # kept, not remade

    call_command("municipality_synth", drop=True, prefix="tsyn", verbosity=0)
    assert synth_schools("tsyn") == []
    assert _schemas() == set()
    assert School.objects.filter(schema_name="school1").exists()  # others untouched


def test_refuses_without_a_count(db: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--schools"):
        call_command("municipality_synth", prefix="tsyn", verbosity=0)
