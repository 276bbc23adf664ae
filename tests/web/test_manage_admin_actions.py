"""Administration: reporting-period dates (SET-1), consent revocation (SET-5), staff
deactivation (SET-3), through the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tenants.utils import schema_context

from journal.register.models import Lesson
from journal.roster.models import Consent
from journal.structure.models import ReportingPeriod, StaffMember

YEARS = "/manage/years/"
STAFF = "/manage/staff/"


def periods_url(world: Any) -> str:
    return f"/manage/years/{world.year.pk}/periods/"


def period_data(period: Any, starts_on: dt.date, ends_on: dt.date) -> dict[str, Any]:
    p = f"p{period.pk}"
    return {"period": period.pk, f"{p}-starts_on": starts_on.isoformat(), f"{p}-ends_on": ends_on}


def revoke_url(pupil: Any, consent: Any) -> str:
    return f"/manage/pupils/{pupil.pk}/consent/{consent.pk}/revoke/"


def revoke_data(
    consent: Any, revoked_on: dt.date, reason: str = "Заявление № 12"
) -> dict[str, Any]:
    return {f"c{consent.pk}-revoked_on": revoked_on.isoformat(), f"c{consent.pk}-reason": reason}


def dates(period: Any) -> tuple[dt.date, dt.date]:
    with schema_context("school1"):
        p = ReportingPeriod.objects.get(pk=period.pk)
    return p.starts_on, p.ends_on


def consent_of(pupil: Any) -> Consent:
    with schema_context("school1"):
        return Consent.objects.get(pupil=pupil)


def member(world: Any, persona: str) -> StaffMember:
    with schema_context("school1"):
        return StaffMember.objects.select_related("user").get(user=world.users[persona])


# ---------------------------------------------------------------- SET-1: period dates


def quarters(world: Any) -> tuple[Any, Any]:
    """The 5th grade's 1st and 2nd quarters, whatever day the test clock says it is."""
    with schema_context("school1"):
        q1, q2 = ReportingPeriod.objects.filter(
            year=world.year, kind="quarter", grade_from__lte=5, grade_to__gte=5
        ).order_by("number")[:2]
    return q1, q2


def test_set1_journal_admin_changes_period_dates(world: Any, page_client: Any) -> None:
    client = page_client("journal_admin")
    q1, q2 = quarters(world)
    years = client.get(YEARS)
    assert years.status_code == 200 and periods_url(world) in years.text
    page = client.get(periods_url(world))
    assert page.status_code == 200
    assert q1.title in page.text and q2.title in page.text
    assert "Сохранить даты" in page.text
    new_end = q1.ends_on - dt.timedelta(days=5)
    response = client.post(periods_url(world), period_data(q1, q1.starts_on, new_end), follow=True)
    assert response.status_code == 200
    grades = f"{q1.grade_from}–{q1.grade_to} кл."
    assert f"{q1.title} ({grades}): {q1.starts_on:%d.%m.%Y}–{new_end:%d.%m.%Y}." in response.text
    assert dates(q1) == (q1.starts_on, new_end)


def test_set1_bad_period_dates_are_refused_in_russian_and_keep_the_input(
    world: Any, page_client: Any
) -> None:
    client = page_client("director")
    q1, q2 = quarters(world)
    before = dates(q1)
    overlap = q2.starts_on + dt.timedelta(days=3)
    response = client.post(periods_url(world), period_data(q1, q1.starts_on, overlap))
    assert response.status_code == 400
    assert f"Даты пересекаются с периодом «{q2.title}»" in response.text
    assert f'value="{overlap.isoformat()}"' in response.text
    with schema_context("school1"):
        late = q1.ends_on - dt.timedelta(days=1)
        for slot in (6, 7):
            Lesson.objects.create(assignment=world.math5a, date=late, slot=slot)
    short = late - dt.timedelta(days=1)
    response = client.post(periods_url(world), period_data(q1, q1.starts_on, short))
    assert response.status_code == 400
    assert "Уроков окажется вне всех периодов: 2" in response.text
    response = client.post(periods_url(world), {"period": q1.pk, f"p{q1.pk}-starts_on": "вчера"})
    assert response.status_code == 400
    assert "Дата: ДД.ММ.ГГГГ." in response.text and "Укажите: окончание периода." in response.text
    assert 'value="вчера"' in response.text
    assert dates(q1) == before


def test_set1_lesser_roles_and_other_schools_change_no_period(
    world: Any, page_client: Any, school2_user: Any
) -> None:
    before = dates(world.period)
    data = period_data(world.period, world.period.starts_on, world.today + dt.timedelta(days=5))
    secretary = page_client("secretary")  # reads, does not change
    page = secretary.get(periods_url(world))
    assert page.status_code == 200 and "Сохранить даты" not in page.text
    assert secretary.post(periods_url(world), data).status_code == 403
    for persona in ("teacher", "class_teacher", "pupil", "parent"):
        client = page_client(persona)
        assert client.get(periods_url(world)).status_code == 403, persona
        assert client.post(periods_url(world), data).status_code == 403, persona
    assert school2_user("secretary").get(periods_url(world)).status_code == 404
    assert school2_user("director").post(periods_url(world), data).status_code == 404
    assert dates(world.period) == before


# ---------------------------------------------------------------- SET-5: consent revocation


def test_set5_secretary_revokes_consent_and_the_parents_session_ends(
    world: Any, page_client: Any
) -> None:
    pupil = world.pupils[0]
    consent = consent_of(pupil)
    parent = page_client("parent")
    assert parent.get("/diary/").status_code == 200
    client = page_client("secretary")
    pupils = client.get(f"/manage/pupils/?class={world.class5a.pk}")
    assert f"/manage/pupils/{pupil.pk}/#consent" in pupils.text
    page = client.get(f"/manage/pupils/{pupil.pk}/")
    assert "Отозвать согласие" in page.text and revoke_url(pupil, consent) in page.text
    response = client.post(
        revoke_url(pupil, consent), revoke_data(consent, world.today), follow=True
    )
    assert response.status_code == 200
    assert f"Согласие на Ученик00 Иван отозвано с {world.today:%d.%m.%Y}" in response.text
    assert "Согласия нет" in response.text and "Заявление № 12" in response.text
    assert "Отозвать согласие" not in response.text
    consent = consent_of(pupil)
    assert consent.revoked_on == world.today
    assert consent.revoked_by_id == world.users["secretary"].pk
    # The parent's running SSO session no longer opens the diary.
    after = parent.get("/diary/")
    assert after.status_code != 200 and "Ученик00" not in after.content.decode()


def test_set5_bad_revocation_is_refused_in_russian_and_keeps_the_input(
    world: Any, page_client: Any
) -> None:
    pupil = world.pupils[0]
    consent = consent_of(pupil)
    client = page_client("director")
    future = world.today + dt.timedelta(days=3)
    response = client.post(revoke_url(pupil, consent), revoke_data(consent, future))
    assert response.status_code == 400
    assert "Дата отзыва не может быть в будущем." in response.text
    assert 'value="Заявление № 12"' in response.text
    response = client.post(revoke_url(pupil, consent), revoke_data(consent, world.today, reason=""))
    assert response.status_code == 400
    assert "Укажите: основание (заявление родителя: дата, номер)." in response.text
    assert consent_of(pupil).revoked_on is None


def test_set5_lesser_roles_and_other_schools_revoke_nothing(
    world: Any, page_client: Any, school2_user: Any
) -> None:
    pupil = world.pupils[0]
    consent = consent_of(pupil)
    data = revoke_data(consent, world.today)
    for persona in ("teacher", "class_teacher", "pupil", "parent"):
        assert page_client(persona).post(revoke_url(pupil, consent), data).status_code == 403
    # A consent of another pupil under this pupil's address.
    other = consent_of(world.other_pupil)
    assert (
        page_client("secretary").post(revoke_url(pupil, other), revoke_data(other, world.today))
    ).status_code == 404
    assert school2_user("secretary").post(revoke_url(pupil, consent), data).status_code == 404
    assert school2_user("director").post(revoke_url(pupil, consent), data).status_code == 404
    with schema_context("school1"):
        assert not Consent.objects.filter(revoked_on__isnull=False).exists()


# ---------------------------------------------------------------- SET-3: staff deactivation


def test_set3_secretary_deactivates_and_returns_a_teacher(world: Any, page_client: Any) -> None:
    teacher = member(world, "teacher")
    teacher_client = page_client("teacher")
    assert teacher_client.get("/teacher/today/").status_code == 200
    client = page_client("secretary")
    page = client.get(STAFF)
    assert f"/manage/staff/{teacher.pk}/deactivate/" in page.text
    me = member(world, "secretary")
    assert f"/manage/staff/{me.pk}/deactivate/" not in page.text  # no button for oneself
    response = client.post(f"/manage/staff/{teacher.pk}/deactivate/", follow=True)
    assert response.status_code == 200
    assert "отключён: вход закрыт, записи и история сохранены." in response.text
    assert f"/manage/staff/{teacher.pk}/reactivate/" in response.text
    teacher = member(world, "teacher")
    assert not teacher.is_active and not teacher.user.is_active
    assert teacher_client.get("/teacher/today/").status_code != 200  # the session ended
    response = client.post(f"/manage/staff/{teacher.pk}/reactivate/", follow=True)
    assert response.status_code == 200 and "снова работает" in response.text
    assert member(world, "teacher").user.is_active


def test_set3_not_oneself_not_the_last_director(world: Any, page_client: Any) -> None:
    client = page_client("journal_admin")
    own = member(world, "journal_admin")
    response = client.post(f"/manage/staff/{own.pk}/deactivate/")
    assert response.status_code == 400
    assert "Нельзя отключить собственную учётную запись." in response.text
    director = member(world, "director")
    response = client.post(f"/manage/staff/{director.pk}/deactivate/")
    assert response.status_code == 400
    assert "Нельзя отключить последнего работающего директора школы." in response.text
    assert member(world, "director").user.is_active and member(world, "journal_admin").is_active


def test_set3_lesser_roles_and_other_schools_deactivate_nobody(
    world: Any, page_client: Any, school2_user: Any
) -> None:
    target = member(world, "other_teacher")
    url = f"/manage/staff/{target.pk}/deactivate/"
    for persona in ("teacher", "class_teacher", "pupil", "parent"):
        assert page_client(persona).post(url).status_code == 403, persona
    assert school2_user("secretary").post(url).status_code == 404
    assert school2_user("director").post(url).status_code == 404
    assert page_client("secretary").get(STAFF + "9999/deactivate/").status_code == 405
    assert page_client("secretary").post(STAFF + "9999/deactivate/").status_code == 404
    with schema_context("school1"):
        assert not StaffMember.objects.filter(is_active=False).exists()
