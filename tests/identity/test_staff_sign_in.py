"""SEC-3: staff sign-in — lockout per school, forced first change, TOTP for the
director, deputies, journal administrator and operator; password reset recorded."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from accounts.models import User
from journal.identity.models import PasswordReset
from tests.identity.conftest import Family, make_user
from tests.otp import totp_code

PASSWORD = "x-Staff-pass-123"


def sign_in(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def me(client: Client) -> int:
    return int(client.get("/api/v1/me/").status_code)


def current_token(user: User) -> str:
    return totp_code(user)


def test_teacher_signs_in_with_password_only(family1: Family) -> None:
    client = Client(HTTP_HOST="school1.localhost")
    response = sign_in(client, "teacher")
    assert response.status_code == 302 and response["Location"] == "/"
    assert me(client) == 200


def test_lockout_after_repeated_failures_is_per_school(family1: Family, family2: Family) -> None:
    client = Client(HTTP_HOST="school1.localhost")
    codes = [sign_in(client, "teacher", "wrong-password").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]  # the fifth failure locks (AXES_FAILURE_LIMIT)
    response = sign_in(client, "teacher")  # the right password, but locked
    assert response.status_code == 429
    assert "заблокирован" in response.content.decode()
    assert me(client) == 403
    with schema_context("school1"):
        assert AccessAttempt.objects.filter(username="teacher").exists()
    with schema_context("school2"):
        assert not AccessAttempt.objects.exists()
    with schema_context("public"):
        assert not AccessAttempt.objects.exists()
    # The namesake in school 2 is not affected.
    other = Client(HTTP_HOST="school2.localhost")
    assert sign_in(other, "teacher").status_code == 302
    assert me(other) == 200


def test_failed_sign_in_log_names_no_one(family1: Family, caplog: Any) -> None:
    client = Client(HTTP_HOST="school1.localhost")
    with caplog.at_level("DEBUG"):
        for _ in range(6):
            sign_in(client, "teacher", "wrong-password")
    assert "teacher" not in caplog.text and "127.0.0.1" not in caplog.text


def test_first_sign_in_forces_a_password_change(family1: Family) -> None:
    with schema_context("school1"):
        user = make_user("newteacher", "teacher", must_change_password=True)
    client = Client(HTTP_HOST="school1.localhost")
    response = sign_in(client, "newteacher")
    assert response["Location"] == "/accounts/password/first/"
    assert me(client) == 403  # no session until the change
    assert client.get("/accounts/password/first/").status_code == 200
    new = "Nov-Parol-2026-x"
    response = client.post(
        "/accounts/password/first/", {"new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert me(client) == 200
    with schema_context("school1"):
        user.refresh_from_db()
        assert not user.must_change_password and user.check_password(new)


def test_director_needs_totp(family1: Family, settings: Any) -> None:
    client = Client(HTTP_HOST="school1.localhost")
    response = sign_in(client, "director")
    assert response["Location"] == "/accounts/otp/"
    assert me(client) == 403
    page = client.get("/accounts/otp/")
    assert page.status_code == 200 and "<svg" in page.content.decode()  # QR to set up
    assert client.post("/accounts/otp/", {"token": "000000"}).status_code == 400
    assert me(client) == 403
    # django-otp throttles after a wrong code (1 s, doubling); skip the wait here.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    with schema_context("school1"):
        token = current_token(family1.director)
    response = client.post("/accounts/otp/", {"token": token})
    assert response.status_code == 302 and response["Location"] == "/"
    assert me(client) == 200
    with schema_context("school1"):
        assert TOTPDevice.objects.get(user=family1.director).confirmed
    # Next time the code is asked for again, with no QR.
    again = Client(HTTP_HOST="school1.localhost")
    assert sign_in(again, "director")["Location"] == "/accounts/otp/"
    assert "<svg" not in again.get("/accounts/otp/").content.decode()
    assert me(again) == 403


def test_deputy_and_journal_admin_need_totp(family1: Family) -> None:
    for username in ("deputy", "jadmin"):
        client = Client(HTTP_HOST="school1.localhost")
        assert sign_in(client, username)["Location"] == "/accounts/otp/"
        assert me(client) == 403


def test_operator_needs_totp_on_the_public_host(operator: Any) -> None:
    client = Client(HTTP_HOST="localhost")
    response = sign_in(client, "alice", "x-operator-pass-1")
    assert response["Location"] == "/accounts/otp/"
    assert me(client) == 403
    assert client.get("/accounts/otp/").status_code == 200
    response = client.post("/accounts/otp/", {"token": current_token(operator)})
    assert response.status_code == 302
    assert me(client) == 200


def test_password_reset_by_the_journal_admin_is_recorded(family1: Family) -> None:
    admin = APIClient(HTTP_HOST="school1.localhost")
    admin.force_authenticate(family1.journal_admin)
    # Locked out first: the reset clears it.
    client = Client(HTTP_HOST="school1.localhost")
    for _ in range(5):
        sign_in(client, "teacher", "wrong-password")
    response = admin.post(
        f"/api/v1/identity/staff/{family1.teacher.pk}/password-reset/",
        {"reason": "Заявление от 01.09"},
        format="json",
    )
    assert response.status_code == 201 and response["Cache-Control"] == "no-store"
    new_password = response.json()["password"]
    with schema_context("school1"):
        record = PasswordReset.objects.get(user=family1.teacher)
        assert record.reset_by == family1.journal_admin and record.reason == "Заявление от 01.09"
        assert not AccessAttempt.objects.filter(username="teacher").exists()
    assert sign_in(client, "teacher", new_password)["Location"] == "/accounts/password/first/"
    # Only the journal administrator resets; never a pupil's or parent's account.
    teacher = APIClient(HTTP_HOST="school1.localhost")
    teacher.force_authenticate(family1.class_teacher)
    url = f"/api/v1/identity/staff/{family1.teacher.pk}/password-reset/"
    assert teacher.post(url, {}, format="json").status_code == 403
    url = f"/api/v1/identity/staff/{family1.pupil.user.pk}/password-reset/"
    assert admin.post(url, {}, format="json").status_code == 400


def test_parent_cannot_sign_in_with_a_password(family1: Family) -> None:
    with schema_context("school1"):
        family1.parent.user.set_password(PASSWORD)
        family1.parent.user.save()
    client = Client(HTTP_HOST="school1.localhost")
    assert sign_in(client, "parent").status_code == 200
    assert me(client) == 403


def test_a_reused_or_expired_code_says_to_wait_for_the_next_one(
    family1: Family, settings: Any
) -> None:
    """A code already used, or one from a minute ago, is not "wrong": the page says to wait
    for the next code; a wrong code says so; a correct one signs in."""
    import datetime as dt

    from django.utils import timezone

    from tests import clock

    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = Client(HTTP_HOST="school1.localhost")
    sign_in(client, "director")
    client.get("/accounts/otp/")  # the device is created for set-up
    with schema_context("school1"):
        used = current_token(family1.director)
    assert client.post("/accounts/otp/", {"token": used}).status_code == 302

    later = Client(HTTP_HOST="school1.localhost")
    sign_in(later, "director")
    reused = later.post("/accounts/otp/", {"token": used})
    assert reused.status_code == 400 and "уже использован" in reused.content.decode()

    start = timezone.localtime()
    with clock.on(start.date(), (start + dt.timedelta(minutes=5)).time()):
        expired = later.post("/accounts/otp/", {"token": used})
        assert expired.status_code == 400
        assert "Код устарел. Дождитесь следующего кода" in expired.content.decode()
        wrong = str((int(used) + 1) % 1_000_000).zfill(6)
        response = later.post("/accounts/otp/", {"token": wrong})
        assert "Неверный код" in response.content.decode()
        with schema_context("school1"):
            fresh = current_token(family1.director)
        assert later.post("/accounts/otp/", {"token": fresh}).status_code == 302
    assert me(later) == 200


def test_a_code_sent_too_fast_after_a_wrong_one_says_to_wait(
    family1: Family, settings: Any
) -> None:
    """django-otp throttles after a wrong code: even the right one is refused for a moment,
    and the page says to wait, not that the code is wrong."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 600  # the moment outlasts a slow test machine
    client = Client(HTTP_HOST="school1.localhost")
    sign_in(client, "director")
    client.get("/accounts/otp/")
    with schema_context("school1"):
        token = current_token(family1.director)
    wrong = str((int(token) + 1) % 1_000_000).zfill(6)
    assert "Неверный код" in client.post("/accounts/otp/", {"token": wrong}).content.decode()
    response = client.post("/accounts/otp/", {"token": token})
    assert response.status_code == 400 and "Подождите" in response.content.decode()
