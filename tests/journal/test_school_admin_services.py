"""School administration services: reporting-period dates (SET-1), consent revocation
(SET-5) and staff deactivation (SET-3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django_tenants.utils import schema_context

from accounts import roles
from core.errors import PermissionDeniedError
from journal.access import scope_for
from journal.identity import services as identity
from journal.identity.models import TemporaryLogin
from journal.register import services as reg
from journal.register.models import Lesson
from journal.roster import services as roster
from journal.roster.models import Consent
from journal.structure import services as structure
from journal.structure.models import ReportingPeriod, StaffMember
from tests import clock
from tests.world import World, make_user

B = "/api/v1/"


def _dates(period_id: int) -> tuple[dt.date, dt.date]:
    p = ReportingPeriod.objects.get(pk=period_id)
    return p.starts_on, p.ends_on


def _messages(err: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(m for ms in err.value.message_dict.values() for m in ms)


# ---------------------------------------------------------------- SET-1: period dates


def _quarters(world: World) -> tuple[ReportingPeriod, ReportingPeriod]:
    """The 1st and 2nd quarters of the 5th grade: the dates under test are theirs, whatever
    day the test clock says it is (the world's own lessons lie away from their boundary)."""
    q1, q2 = ReportingPeriod.objects.filter(
        year=world.year, kind="quarter", grade_from__lte=5, grade_to__gte=5
    ).order_by("number")[:2]
    return q1, q2


def test_set1_structure_managers_move_the_boundary_between_quarters(world: World) -> None:
    """SET-1: the 1st quarter ends earlier and the 2nd starts earlier, no gap, no overlap."""
    with schema_context("school1"):
        q1, q2 = _quarters(world)
        boundary = q1.ends_on - dt.timedelta(days=5)
        reg.reporting_period_update(
            period=q1, starts_on=q1.starts_on, ends_on=boundary, by=world.users["director"]
        )
        reg.reporting_period_update(
            period=q2,
            starts_on=boundary + dt.timedelta(days=1),
            ends_on=q2.ends_on,
            by=world.users["deputy"],
        )
        reg.reporting_period_update(
            period=q2,
            starts_on=boundary + dt.timedelta(days=1),
            ends_on=q2.ends_on - dt.timedelta(days=1),
            by=world.users["journal_admin"],
        )
        assert _dates(q1.pk) == (q1.starts_on, boundary)
        assert _dates(q2.pk) == (boundary + dt.timedelta(days=1), q2.ends_on - dt.timedelta(1))


def test_set1_bad_dates_are_refused_in_russian_and_nothing_changes(world: World) -> None:
    """SET-1: end before start, outside the school year, overlap with another period."""
    by = world.users["director"]
    with schema_context("school1"):
        q1, q2 = _quarters(world)
        before = _dates(q1.pk)
        cases = [
            (q1.ends_on, q1.ends_on - dt.timedelta(days=1), "Окончание периода раньше его начала."),
            (
                world.year.starts_on - dt.timedelta(days=1),
                q1.ends_on,
                f"Период должен быть внутри учебного года {world.year.title}",
            ),
            (q1.starts_on, world.year.ends_on + dt.timedelta(days=1), "внутри учебного года"),
            (
                q1.starts_on,
                q2.starts_on + dt.timedelta(days=3),
                f"Даты пересекаются с периодом «{q2.title}» ({q2.grade_from}–{q2.grade_to} кл.",
            ),
        ]
        for starts_on, ends_on, expected in cases:
            with pytest.raises(ValidationError) as err:
                reg.reporting_period_update(period=q1, starts_on=starts_on, ends_on=ends_on, by=by)
            assert expected in _messages(err)
        assert _dates(q1.pk) == before


def test_set1_a_period_of_other_grades_does_not_clash(world: World) -> None:
    """SET-1: overlap counts only within the same grades (quarters vs half-years 10–11)."""
    with schema_context("school1"):
        q1, _q2 = _quarters(world)
        ReportingPeriod.objects.filter(year=world.year, grade_from__gte=10).delete()
        ReportingPeriod.objects.filter(year=world.year, kind="quarter").update(grade_to=9)
        half = ReportingPeriod.objects.create(
            year=world.year,
            kind="half_year",
            number=1,
            title="1-е полугодие",
            grade_from=10,
            grade_to=11,
            starts_on=world.year.starts_on,
            ends_on=q1.ends_on,
        )
        reg.reporting_period_update(
            period=half,
            starts_on=world.year.starts_on,
            ends_on=q1.ends_on + dt.timedelta(days=30),
            by=world.users["director"],
        )
        assert _dates(half.pk)[1] == q1.ends_on + dt.timedelta(days=30)


def test_set1_shortening_may_not_strand_lessons(world: World) -> None:
    """SET-1: conducted lessons would fall outside every period: which and how many."""
    by = world.users["director"]
    with schema_context("school1"):
        q1, _q2 = _quarters(world)
        # Only this test's lessons in the 1st quarter: the world's (around "today", which
        # may be the 1st of September) move a year on.
        Lesson.objects.filter(assignment__year=world.year).update(
            date=F("date") + dt.timedelta(days=364)
        )
        early = Lesson.objects.create(
            assignment=world.math5a, date=q1.starts_on + dt.timedelta(days=2), slot=2
        )
        late_day = q1.ends_on - dt.timedelta(days=1)
        Lesson.objects.create(assignment=world.math5a, date=late_day, slot=2)
        Lesson.objects.create(assignment=world.reading1a, date=late_day, slot=1)
        with pytest.raises(ValidationError) as err:
            reg.reporting_period_update(
                period=q1, starts_on=q1.starts_on + dt.timedelta(days=5), ends_on=q1.ends_on, by=by
            )
        assert f"Уроков окажется вне всех периодов: 1 ({early.date:%d.%m.%Y} 5А Математика)." in (
            _messages(err)
        )
        with pytest.raises(ValidationError) as err:
            reg.reporting_period_update(
                period=q1, starts_on=q1.starts_on, ends_on=late_day - dt.timedelta(days=1), by=by
            )
        assert "Уроков окажется вне всех периодов: 2 (" in _messages(err)
        assert "1А Литературное чтение" in _messages(err)
        assert _dates(q1.pk) == (q1.starts_on, q1.ends_on)
        # A lesson covered by the neighbouring period is not stranded.
        Lesson.objects.filter(pk=early.pk).update(date=q1.ends_on + dt.timedelta(days=30))
        reg.reporting_period_update(
            period=q1, starts_on=q1.starts_on + dt.timedelta(days=5), ends_on=q1.ends_on, by=by
        )
        assert _dates(q1.pk) == (q1.starts_on + dt.timedelta(days=5), q1.ends_on)


def test_set1_shortening_a_period_with_period_marks_is_refused(world: World) -> None:
    """SET-1: period marks were given for the old dates; lengthening is still possible."""
    with schema_context("school1"):
        q1, q2 = _quarters(world)
        with clock.on(q1.ends_on - dt.timedelta(days=3)):
            reg.period_mark_create(
                pupil=world.pupils[0],
                assignment=world.math5a,
                kind="period",
                value="4",
                period=q1,
                by=world.users["teacher"],
            )
        with pytest.raises(ValidationError) as err:
            reg.reporting_period_update(
                period=q1,
                starts_on=q1.starts_on,
                ends_on=q1.ends_on - dt.timedelta(days=1),
                by=world.users["director"],
            )
        assert f"По периоду «{q1.title}» уже выставлено итоговых отметок: 1." in _messages(err)
        # Not a shortening: extending is allowed (here into a gap left before the 2nd one).
        ReportingPeriod.objects.filter(pk=q2.pk).update(starts_on=q1.ends_on + dt.timedelta(5))
        reg.reporting_period_update(
            period=q1,
            starts_on=q1.starts_on,
            ends_on=q1.ends_on + dt.timedelta(days=2),
            by=world.users["director"],
        )
        assert _dates(q1.pk) == (q1.starts_on, q1.ends_on + dt.timedelta(days=2))


def test_set1_secretary_teacher_pupil_may_not_edit_periods(world: World) -> None:
    with schema_context("school1"):
        before = _dates(world.period.pk)
        for persona in ("secretary", "teacher", "class_teacher", "parent", "pupil"):
            with pytest.raises(PermissionDeniedError):
                reg.reporting_period_update(
                    period=world.period,
                    starts_on=world.period.starts_on,
                    ends_on=world.period.ends_on - dt.timedelta(days=1),
                    by=world.users[persona],
                )
        assert _dates(world.period.pk) == before


# ---------------------------------------------------------------- SET-5: consent revocation


def test_set5_revoked_consent_closes_the_pupils_data_to_parent_and_pupil(world: World) -> None:
    """SET-5: after revocation the parent's and the pupil's scope no longer hold the pupil."""
    pupil = world.pupils[0]
    parent_api = world.client("parent")
    assert len(parent_api.get(B + "roster/pupils/").json()["results"]) == 1
    with schema_context("school1"):
        assert scope_for(world.users["parent"]).child_ids == {pupil.pk}
        assert scope_for(world.users["pupil"]).self_pupil_ids == {pupil.pk}
        consent = Consent.objects.get(pupil=pupil)
        roster.consent_revoke(
            consent=consent,
            revoked_on=world.today,
            reason="Заявление родителя от сегодня № 5",
            by=world.users["secretary"],
        )
        consent.refresh_from_db()
        assert consent.revoked_on == world.today
        assert consent.revocation_reason == "Заявление родителя от сегодня № 5"
        assert consent.revoked_by_id == world.users["secretary"].pk
        assert consent.revoked_at is not None
        assert scope_for(world.users["parent"]).child_ids == frozenset()
        assert scope_for(world.users["pupil"]).self_pupil_ids == frozenset()
        # The other family is untouched.
        assert scope_for(world.users["other_parent"]).child_ids == {world.other_pupil.pk}
    body = parent_api.get(B + "roster/pupils/").json()
    assert body["results"] == []
    assert parent_api.get(B + f"roster/pupils/{pupil.pk}/").status_code == 404


def test_set5_revocation_ends_the_pupils_temporary_login(world: World) -> None:
    """SET-5: a running temporary-login session ends (the login is revoked)."""
    pupil = world.pupils[0]
    with schema_context("school1"):
        record, _, _ = identity.temporary_login_issue(
            pupil=pupil,
            request_reason="Заявление",
            request_date=world.today,
            by=world.users["class_teacher"],
        )
        roster.consent_revoke(
            consent=Consent.objects.get(pupil=pupil),
            revoked_on=world.today,
            reason="Заявление № 7",
            by=world.users["class_teacher"],
        )
        record.refresh_from_db()
        assert record.revoked_at is not None
        assert record.revoked_by_id == world.users["class_teacher"].pk
        pupil.user.refresh_from_db()
        assert not pupil.user.has_usable_password()
        assert not TemporaryLogin.objects.filter(pupil=pupil, revoked_at__isnull=True).exists()


def test_set5_second_consent_in_force_keeps_access_and_login(world: World) -> None:
    """SET-5: revoking one of two consents leaves the pupil visible (one still in force)."""
    pupil = world.pupils[0]
    with schema_context("school1"):
        first = Consent.objects.get(pupil=pupil)
        roster.consent_record(
            pupil=pupil,
            signed_on=world.today,
            scan_reference="scan/2.pdf",
            by=world.users["secretary"],
        )
        record, _, _ = identity.temporary_login_issue(
            pupil=pupil,
            request_reason="Заявление",
            request_date=world.today,
            by=world.users["class_teacher"],
        )
        roster.consent_revoke(
            consent=first, revoked_on=world.today, reason="Заявление", by=world.users["secretary"]
        )
        assert scope_for(world.users["parent"]).child_ids == {pupil.pk}
        record.refresh_from_db()
        assert record.revoked_at is None


def test_set5_bad_revocation_is_refused_in_russian(world: World) -> None:
    pupil = world.pupils[0]
    by = world.users["secretary"]
    with schema_context("school1"):
        consent = Consent.objects.get(pupil=pupil)
        cases = [
            (
                world.today + dt.timedelta(days=1),
                "Заявление",
                "Дата отзыва не может быть в будущем.",
            ),
            (consent.signed_on - dt.timedelta(days=1), "Заявление", "Дата отзыва раньше даты"),
            (world.today, "  ", "Укажите основание отзыва"),
        ]
        for revoked_on, reason, expected in cases:
            with pytest.raises(ValidationError) as err:
                roster.consent_revoke(consent=consent, revoked_on=revoked_on, reason=reason, by=by)
            assert expected in _messages(err)
        consent.refresh_from_db()
        assert consent.revoked_on is None and consent.revoked_by_id is None
        roster.consent_revoke(consent=consent, revoked_on=world.today, reason="Заявление", by=by)
        with pytest.raises(ValidationError) as err:
            roster.consent_revoke(consent=consent, revoked_on=world.today, reason="Ещё", by=by)
        assert f"Согласие уже отозвано {world.today:%d.%m.%Y}." in _messages(err)


def test_set5_only_roster_managers_and_the_class_teacher_revoke(world: World) -> None:
    with schema_context("school1"):
        consent = Consent.objects.get(pupil=world.pupils[0])
        for persona in ("teacher", "other_teacher", "parent", "pupil", "other_parent"):
            with pytest.raises(PermissionDeniedError):
                roster.consent_revoke(
                    consent=consent,
                    revoked_on=world.today,
                    reason="Заявление",
                    by=world.users[persona],
                )
        consent.refresh_from_db()
        assert consent.revoked_on is None


# ---------------------------------------------------------------- SET-3: staff deactivation


def test_set3_deactivated_teacher_cannot_sign_in_and_keeps_history(world: World) -> None:
    """SET-3: card and account inactive, assignments and lessons stay; reactivation."""
    from django.contrib.auth.backends import ModelBackend

    with schema_context("school1"):
        member = StaffMember.objects.get(user=world.users["teacher"])
        structure.staff_member_deactivate(staff_member=member, by=world.users["secretary"])
        member.refresh_from_db()
        member.user.refresh_from_db()
        assert not member.is_active and not member.user.is_active
        assert not ModelBackend().user_can_authenticate(member.user)
        assert scope_for(member.user).roles == frozenset()
        assert member.assignments.count() == 2
        assert Lesson.objects.filter(assignment__teacher=member).count() == 5
        structure.staff_member_reactivate(staff_member=member, by=world.users["journal_admin"])
        member.refresh_from_db()
        member.user.refresh_from_db()
        assert member.is_active and member.user.is_active
        assert scope_for(member.user).roles == {roles.TEACHER}


def test_set3_not_oneself_not_the_last_director(world: World) -> None:
    with schema_context("school1"):
        director = StaffMember.objects.get(user=world.users["director"])
        admin = StaffMember.objects.get(user=world.users["journal_admin"])
        with pytest.raises(ValidationError) as err:
            structure.staff_member_deactivate(staff_member=admin, by=world.users["journal_admin"])
        assert "Нельзя отключить собственную учётную запись." in _messages(err)
        with pytest.raises(ValidationError) as err:
            structure.staff_member_deactivate(
                staff_member=director, by=world.users["journal_admin"]
            )
        assert "Нельзя отключить последнего работающего директора школы." in _messages(err)
        with pytest.raises(ValidationError) as err:  # the secretary never acts on a director
            structure.staff_member_deactivate(staff_member=director, by=world.users["secretary"])
        assert "может только директор или администратор ЭЖ" in _messages(err)
        assert StaffMember.objects.get(pk=director.pk).is_active
        make_user("director_b", roles.DIRECTOR)
        structure.staff_member_deactivate(staff_member=director, by=world.users["journal_admin"])
        assert not StaffMember.objects.get(pk=director.pk).is_active
        with pytest.raises(ValidationError) as err:
            structure.staff_member_deactivate(
                staff_member=director, by=world.users["journal_admin"]
            )
        assert "уже отключён" in _messages(err)


def test_set3_teachers_and_learners_may_not_deactivate(world: World) -> None:
    with schema_context("school1"):
        member = StaffMember.objects.get(user=world.users["other_teacher"])
        for persona in ("teacher", "class_teacher", "parent", "pupil"):
            with pytest.raises(PermissionDeniedError):
                structure.staff_member_deactivate(staff_member=member, by=world.users[persona])
        assert StaffMember.objects.get(pk=member.pk).is_active
