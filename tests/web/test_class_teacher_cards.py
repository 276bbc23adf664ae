"""Class teacher: the class's pupil and parent cards, consent, sign-ins (DIA-4), temporary
pupil logins (SEC-2); reads are audited (ROLE-4); nobody else reads or writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from journal.audit.models import AccessLog
from journal.identity.models import TemporaryLogin
from journal.identity.services import participation_record, temporary_login_issue
from journal.roster import services as roster

LIST = "/class/pupils/"


def card(pupil: Any) -> str:
    return f"/class/pupils/{pupil.pk}/"


def issue(pupil: Any) -> str:
    return f"/class/pupils/{pupil.pk}/temporary-login/"


def revoke(record: Any) -> str:
    return f"/class/temporary-logins/{record.pk}/revoke/"


def request_data(**changes: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {"request_reason": "Заявление матери", "request_date": today.isoformat(), **changes}


def logins() -> int:
    with schema_context("school1"):
        return TemporaryLogin.objects.count()


def test_class_teacher_sees_the_class_with_consent_and_sign_ins(
    world: Any, page_client: Any
) -> None:
    with schema_context("school1"):
        participation_record(user=world.users["parent"], method="sso")
    page = page_client("class_teacher").get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert "5А: ученики и родители" in html
    assert card(world.pupils[0]) in html and card(world.pupils[4]) in html
    assert world.other_pupil.user.last_name not in html
    assert "Родителева Анна — " in html and "не входил" in html
    assert 'badge--active">есть' in html and 'badge--suspended">нет' in html
    with schema_context("school1"):
        log = AccessLog.objects.filter(what="web.class_pupils").get()
        assert log.user_id == world.users["class_teacher"].pk
        assert sorted(log.pupil_ids) == sorted(p.pk for p in world.pupils)


def test_card_shows_data_parents_consent_and_access_and_is_audited(
    world: Any, page_client: Any
) -> None:
    pupil = world.pupils[0]
    with schema_context("school1"):
        participation_record(user=world.users["parent"], method="sso")
        guardian = world.users["parent"].guardian
        guardian.phone = "+7 900 123-45-67"
        guardian.save()
    page = page_client("class_teacher").get(card(pupil))
    assert page.status_code == 200
    html = page.content.decode()
    assert pupil.user.full_name in html and "pupil" in html
    assert "Родителева Анна" in html and "Мать" in html and "+7 900 123-45-67" in html
    assert "Согласие действует" in html and "scan/0001.pdf" in html
    assert "Secretary" in html  # who recorded the consent
    assert "Госуслуги" in html and "входов: 1" in html  # the parent's sign-in (DIA-4)
    assert "Выдать временный логин" in html
    with schema_context("school1"):
        log = AccessLog.objects.filter(what="web.pupil_card").get()
        assert log.pupil_ids == [pupil.pk] and log.user_id == world.users["class_teacher"].pk
    no_consent = page_client("class_teacher").get(card(world.pupils[1])).content.decode()
    assert "Согласия нет" in no_consent and "Родители не указаны." in no_consent


def test_director_and_deputy_read_only(world: Any, page_client: Any) -> None:
    pupil = world.pupils[0]
    for persona in ("director", "deputy"):
        client = page_client(persona)
        page = client.get(card(pupil))
        assert page.status_code == 200
        assert "Выдать временный логин" not in page.content.decode()
        assert client.get(f"{LIST}?class={world.class5b.pk}").status_code == 200
        assert client.post(issue(pupil), request_data()).status_code == 403
    assert logins() == 0
    with schema_context("school1"):
        record, _, _ = temporary_login_issue(
            pupil=pupil,
            request_reason="заявление",
            request_date=world.today,
            by=world.users["class_teacher"],
        )
    assert page_client("deputy").post(revoke(record)).status_code == 403
    with schema_context("school1"):
        record.refresh_from_db()
        assert record.revoked_at is None


def test_other_teachers_parents_pupils_and_other_schools_get_nothing(
    world: Any, page_client: Any, school2_user: Any
) -> None:
    pupil = world.pupils[0]
    for persona in ("other_teacher", "teacher", "secretary"):  # the pupil is not theirs: 404
        client = page_client(persona)
        assert client.get(card(pupil)).status_code == 404
        assert client.post(issue(pupil), request_data()).status_code == 404
    assert page_client("other_teacher").get(card(pupil)).status_code == 404
    empty = page_client("other_teacher").get(LIST)
    assert empty.status_code == 200 and "не назначены" in empty.content.decode()
    assert pupil.user.last_name not in empty.content.decode()
    for persona in ("parent", "pupil"):  # learners never reach staff pages: 403
        client = page_client(persona)
        assert client.get(LIST).status_code == 403
        assert client.get(card(pupil)).status_code == 403
        assert client.post(issue(pupil), request_data()).status_code == 403
    other = school2_user("director")
    assert other.get(card(pupil)).status_code == 404
    assert other.post(issue(pupil), request_data()).status_code == 404
    other_teacher = school2_user("teacher")
    assert other_teacher.get(card(pupil)).status_code == 404
    assert logins() == 0
    with schema_context("school1"):
        assert not AccessLog.objects.filter(what="web.pupil_card").exists()


def test_class_teacher_issues_a_login_sees_the_password_once_and_revokes_it(
    world: Any, page_client: Any
) -> None:
    pupil = world.pupils[0]
    client = page_client("class_teacher")
    page = client.post(issue(pupil), request_data(valid_days="10"))
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert 'id="temp-password"' in html and 'id="temp-username">pupil<' in html
    with schema_context("school1"):
        record = TemporaryLogin.objects.get(pupil=pupil)
        assert record.request_reason == "Заявление матери"
        assert record.issued_by == world.users["class_teacher"]
        assert record.expires_at - record.issued_at < dt.timedelta(days=10, minutes=1)
    again = client.get(card(pupil)).content.decode()
    assert "действует" in again and "Заявление матери" in again
    assert 'id="temp-password"' not in again
    assert revoke(record) in again
    assert client.get(revoke(record)).status_code == 405
    done = client.post(revoke(record), follow=True)
    assert done.status_code == 200 and "отозван" in done.content.decode()
    with schema_context("school1"):
        record.refresh_from_db()
        assert record.revoked_at is not None and record.revoked_by == world.users["class_teacher"]
    assert page_client("other_teacher").post(revoke(record)).status_code == 404


def test_bad_request_is_refused_in_russian_and_keeps_the_input(
    world: Any, page_client: Any
) -> None:
    pupil = world.pupils[0]
    client = page_client("class_teacher")
    page = client.post(issue(pupil), {"request_reason": "", "request_date": "31.02.2025"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "Укажите причину из письменного заявления." in html
    assert "Дата заявления: ДД.ММ.ГГГГ." in html
    assert 'value="31.02.2025"' in html
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    page = client.post(issue(pupil), request_data(request_date=future, valid_days="500"))
    assert page.status_code == 400
    html = page.content.decode()
    assert "Дата заявления не может быть в будущем." in html
    assert "Срок действия: от 1 до" in html
    assert 'value="Заявление матери"' in html and 'value="500"' in html
    assert logins() == 0


def _grow(world: Any, n: int) -> None:
    with schema_context("school1"):
        boss = world.users["director"]
        for i in range(n):
            pupil = roster.pupil_create(
                last_name=f"Новый{i:02d}",
                first_name="Олег",
                class_group=world.class5a,
                enrolled_on=world.today - dt.timedelta(days=30),
                order_number=f"20-у/{i}",
                by=world.users["secretary"],
            )
            parent = roster.guardian_create(last_name=f"Мама{i:02d}", first_name="Ира", by=boss)
            roster.guardian_link_create(guardian=parent, pupil=pupil, relation="mother", by=boss)
            roster.guardian_link_create(
                guardian=parent, pupil=world.pupils[0], relation="guardian", by=boss
            )
            roster.consent_record(
                pupil=world.pupils[0],
                guardian=parent,
                signed_on=world.today,
                scan_reference=f"scan/{i}",
                by=world.users["secretary"],
            )
            participation_record(user=parent.user, method="sso")


def test_list_and_card_query_counts_do_not_grow_with_rows(
    world: Any, page_client: Any, django_assert_max_num_queries: Any
) -> None:
    client = page_client("class_teacher")
    client.get(LIST)
    with CaptureQueriesContext(connection) as list_few:
        assert client.get(LIST).status_code == 200
    with CaptureQueriesContext(connection) as card_few:
        assert client.get(card(world.pupils[0])).status_code == 200
    _grow(world, 6)
    with django_assert_max_num_queries(len(list_few.captured_queries)):
        page = client.get(LIST)
    assert "Новый05" in page.content.decode()
    with django_assert_max_num_queries(len(card_few.captured_queries)):
        page = client.get(card(world.pupils[0]))
    assert "Мама05" in page.content.decode()
