"""SEC-1, SET-5, ROLE-2: sign-in through a real OpenID Connect provider (separate
process, real HTTP), the school list on the portal, and the hand-over to each school."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from identity.hashing import subject_hash
from identity.models import SubjectIndex
from tests.identity.conftest import Browser, Family, build_family

SNILS = "112-233-445 95"


def staff_api(schema: str, user: Any) -> APIClient:
    client = APIClient(HTTP_HOST=f"{schema}.localhost")
    client.force_authenticate(user)
    return client


def invite(family: Family, person: Any) -> str:
    response = staff_api(family.schema, family.class_teacher).post(
        "/api/v1/identity/invitations/", {"user_id": person.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response["Cache-Control"] == "no-store"
    return str(response.json()["code"])


def test_parent_with_children_in_two_schools_signs_in_once_and_sees_both(
    browser: Browser, family1: Family, family2: Family, school1: Any, school2: Any
) -> None:
    browser.peer.add_user("mama", sub="esia-1001", snils=SNILS)
    # School 1 links by an invitation code from the class teacher; school 2 holds her СНИЛС.
    code = invite(family1, family1.parent.user)
    response = staff_api("school2", family2.class_teacher).post(
        "/api/v1/identity/attributes/",
        {"user_id": family2.parent.user.pk, "snils": SNILS},
        format="json",
    )
    assert response.status_code == 201, response.json()

    response = browser.sign_in("mama")
    assert response.status_code == 302 and response["Location"] == "/sso/"
    assert "пока не связана" in browser.portal.get("/sso/").content.decode()

    linked = browser.portal.post("/sso/invitation/", {"school_id": school1.pk, "code": code})
    assert linked.status_code == 302
    # Signing in again with the СНИЛС scope finds the second school.
    assert browser.sign_in("mama", purpose="link").status_code == 302
    page = browser.portal.get("/sso/").content.decode()
    assert "http://school1.localhost/sso/begin/" in page
    assert "http://school2.localhost/sso/begin/" in page

    for family in (family1, family2):
        entered = browser.enter(family.schema)
        assert entered.status_code == 302 and entered["Location"] == "/"
        me = browser.school(family.schema).get("/api/v1/me/").json()
        assert me["username"] == "parent" and me["schema"] == family.schema
        assert me["roles"] == ["parent"]
        # The school-side session cookie is host-only.
        cookie = browser.school(family.schema).cookies["__Host-sessionid"]
        assert not cookie["domain"] and cookie["secure"] and cookie["httponly"]

    # The public schema keeps a keyed hash → school, nothing else.
    rows = list(SubjectIndex.objects.values_list("subject_hash", "school_id"))
    expected = subject_hash(issuer=browser.peer.url, subject="esia-1001")
    assert sorted(rows) == sorted([(expected, school1.pk), (expected, school2.pk)])
    assert "esia-1001" not in expected and len(expected) == 64
    field_names = {f.name for f in SubjectIndex._meta.get_fields()}
    assert field_names == {"id", "subject_hash", "school", "created_at", "updated_at"}


@pytest.fixture
def linked_parent(browser: Browser, family1: Family, school1: Any) -> Browser:
    browser.peer.add_user("mama", sub="esia-2002")
    code = invite(family1, family1.parent.user)
    assert browser.sign_in("mama").status_code == 302
    browser.portal.post("/sso/invitation/", {"school_id": school1.pk, "code": code})
    return browser


def refused(response: Any, reason: str = "") -> None:
    assert response.status_code == 403, response.content
    assert "Вход не выполнен" in response.content.decode()


@pytest.mark.parametrize(
    "fault",
    [
        "wrong_nonce",
        "wrong_aud",
        "wrong_iss",
        "expired",
        "not_yet_valid",
        "alg_none",
        "bad_signature",
    ],
)
def test_bad_id_tokens_are_refused(linked_parent: Browser, fault: str) -> None:
    browser = linked_parent
    browser.portal = type(browser.portal)(HTTP_HOST="localhost")  # a fresh portal session
    browser.peer.faults(fault)
    refused(browser.sign_in("mama"))
    # Nothing was signed in: the portal offers the provider's button again.
    assert "sso-login" in browser.portal.get("/sso/").content.decode()


def test_wrong_state_is_refused(browser: Browser, family1: Family) -> None:
    browser.peer.add_user("mama", sub="esia-3003")
    callback = browser.provider_login(browser.start(), "mama")
    tampered = callback.replace("state=", "state=x")
    refused(browser.callback(tampered))
    # No token request was made for a callback with a wrong state.
    assert browser.peer.http.get(f"{browser.peer.url}/_admin/stats").json()["token_requests"] == 0


def test_replayed_code_is_refused(browser: Browser, family1: Family) -> None:
    browser.peer.add_user("mama", sub="esia-4004")
    callback = browser.provider_login(browser.start(), "mama")
    assert browser.callback(callback).status_code == 302
    # The same callback again: its state was used up.
    refused(browser.callback(callback))
    # The old code inside a fresh flow (new state): refused before it reaches the provider.
    new_state_url = browser.start()
    from urllib.parse import parse_qs, urlsplit

    state = parse_qs(urlsplit(new_state_url).query)["state"][0]
    code = parse_qs(urlsplit(callback).query)["code"][0]
    before = browser.peer.http.get(f"{browser.peer.url}/_admin/stats").json()["token_requests"]
    refused(browser.portal.get(f"/sso/callback/?code={code}&state={state}"))
    after = browser.peer.http.get(f"{browser.peer.url}/_admin/stats").json()["token_requests"]
    assert after == before


def test_unlinked_identity_gets_no_school(browser: Browser, family1: Family, school1: Any) -> None:
    browser.peer.add_user("stranger", sub="esia-5005")
    assert browser.sign_in("stranger").status_code == 302
    page = browser.portal.get("/sso/").content.decode()
    assert "пока не связана" in page and "school1.localhost/sso/begin" not in page
    refused(browser.enter("school1"))
    assert browser.school("school1").get("/api/v1/me/").status_code == 403


def test_linking_never_goes_by_name_and_a_wrong_code_links_nothing(
    browser: Browser, family1: Family, school1: Any
) -> None:
    browser.peer.add_user("namesake", sub="esia-5006")
    assert browser.sign_in("namesake", purpose="link").status_code == 302
    browser.portal.post("/sso/invitation/", {"school_id": school1.pk, "code": "AAAA-BBBB-CCCC"})
    assert not SubjectIndex.objects.exists()


def test_parent_without_consent_is_refused(browser: Browser, school2: Any) -> None:
    family = build_family("school2", consent=False)
    browser.peer.add_user("papa", sub="esia-6006")
    code = invite(family, family.parent.user)
    assert browser.sign_in("papa").status_code == 302
    browser.portal.post("/sso/invitation/", {"school_id": school2.pk, "code": code})
    response = browser.enter("school2")
    assert response.status_code == 403
    assert "согласие" in response.content.decode()
    assert browser.school("school2").get("/api/v1/me/").status_code == 403


def test_consent_revoked_later_ends_the_session(linked_parent: Browser, family1: Family) -> None:
    browser = linked_parent
    assert browser.enter("school1").status_code == 302
    assert browser.school("school1").get("/api/v1/me/").status_code == 200
    with schema_context("school1"):
        family1.pupil.consents.update(revoked_on="2026-01-01")
    assert browser.school("school1").get("/api/v1/me/").status_code == 403


def test_staff_account_cannot_be_linked(browser: Browser, family1: Family) -> None:
    response = staff_api("school1", family1.journal_admin).post(
        "/api/v1/identity/invitations/", {"user_id": family1.teacher.pk}, format="json"
    )
    assert response.status_code == 400
    # A class teacher cannot even try for someone outside their class.
    response = staff_api("school1", family1.class_teacher).post(
        "/api/v1/identity/invitations/", {"user_id": family1.teacher.pk}, format="json"
    )
    assert response.status_code == 403


def test_sso_participation_is_recorded(linked_parent: Browser, family1: Family) -> None:
    assert linked_parent.enter("school1").status_code == 302
    rows = staff_api("school1", family1.class_teacher).get(
        f"/api/v1/identity/classes/{family1.class_group.pk}/participation/"
    )
    assert rows.status_code == 200
    [row] = rows.json()
    assert row["pupil_last_sign_in"] is None
    assert row["parents"][0]["last_sign_in"] is not None


def test_handover_binding_travels_in_its_own_cross_site_cookie(
    linked_parent: Browser, school1: Any
) -> None:
    """The portal's POST to the school is cross-site where portal and schools share no
    registrable domain (`localhost` / `<slug>.localhost` in Chromium): a Lax session cookie
    stays behind, so the browser binding has its own SameSite=None, host-only cookie."""
    browser = linked_parent
    school = browser.school("school1")
    begin = school.get("/sso/begin/")
    cookie = begin.cookies["__Host-sso-binding"]
    assert cookie["samesite"] == "None" and cookie["secure"] and cookie["httponly"]
    assert cookie["path"] == "/" and not cookie["domain"] and int(cookie["max-age"]) == 600
    # /sso/begin/ no longer needs a school session: none was opened.
    assert "__Host-sessionid" not in school.cookies
    handover = begin["Location"].split("localhost", 1)[1]
    html = browser.portal.get(handover).content.decode()
    ticket = html.split('name="ticket" value="', 1)[1].split('"', 1)[0]

    # Without the binding cookie (another browser) the ticket is refused (and used up).
    stranger = type(school)(HTTP_HOST="school1.localhost")
    refused(stranger.post("/sso/enter/", {"ticket": ticket}))
    refused(school.post("/sso/enter/", {"ticket": ticket}))
    # A fresh hand-over in this browser opens the session and clears the binding cookie.
    entered = browser.enter("school1")
    assert entered.status_code == 302 and entered["Location"] == "/"
    assert entered.cookies["__Host-sso-binding"]["max-age"] == 0
    assert school.get("/api/v1/me/").json()["roles"] == ["parent"]


def test_a_refused_consent_comes_back_with_a_russian_explanation(
    browser: Browser, family1: Family
) -> None:
    """«Отказать» on the provider's consent screen returns `error=access_denied` with the
    flow's state: the callback says in Russian what happened and how to sign in."""
    authorize = browser.start()
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    response = browser.portal.get(f"/sso/callback/?error=access_denied&state={state}")
    refused(response)
    page = response.content.decode()
    assert "вы отказались предоставить электронному журналу доступ" in page
    assert "нажмите «Предоставить»" in page
    assert "access_denied" not in page
    # Nothing was signed in: the portal offers the provider's button again.
    assert "sso-login" in browser.portal.get("/sso/").content.decode()
