"""TPL-5, 002 §3.1: where a school's regulation names ЕСИА for staff, a teacher links their
Госуслуги account by an invitation from the journal administrator and signs in through the
real OpenID Connect peer; where it does not, staff cannot be linked, and a regulation that
drops ЕСИА for staff ends their SSO sessions. Other schools are unaffected."""

from __future__ import annotations

from typing import Any

from tests.catalog.adopt import adopt_rules
from tests.identity.conftest import Browser, Family
from tests.identity.test_sso_flow import staff_api


def invite_staff(family: Family, by: Any, person: Any) -> Any:
    return staff_api(family.schema, by).post(
        "/api/v1/identity/invitations/", {"user_id": person.pk}, format="json"
    )


def test_teacher_signs_in_through_esia_where_the_regulation_says_so(
    browser: Browser, family1: Family, family2: Family, school1: Any
) -> None:
    adopt_rules("school1", sign_in={"staff": ["password", "esia"]})
    # Only the journal administrator or the director links a staff member.
    assert invite_staff(family1, family1.class_teacher, family1.teacher).status_code == 403
    response = invite_staff(family1, family1.journal_admin, family1.teacher)
    assert response.status_code == 201, response.json()
    code = str(response.json()["code"])
    # school2 keeps the password-only regulation: its teacher cannot be linked.
    refused = invite_staff(family2, family2.journal_admin, family2.teacher)
    assert refused.status_code == 400
    assert "логину и паролю" in str(refused.json())

    browser.peer.add_user("uchitel", sub="esia-3003")
    assert browser.sign_in("uchitel").status_code == 302
    linked = browser.portal.post("/sso/invitation/", {"school_id": school1.pk, "code": code})
    assert linked.status_code == 302
    entered = browser.enter("school1")
    assert entered.status_code == 302 and entered["Location"] == "/"
    school = browser.school("school1")
    me = school.get("/api/v1/me/").json()
    assert me["username"] == family1.teacher.username and me["roles"] == ["teacher"]
    assert school.get("/teacher/today/").status_code == 200  # a staff page, not the diary

    # The school's sign-in page offers Госуслуги to staff here, and not in school2.
    assert 'id="staff-esia"' in browser.school("school1").get("/accounts/login/").content.decode()
    assert 'id="staff-esia"' not in host_page("school2", "/accounts/login/")

    # A new edition without ЕСИА for staff ends the teacher's SSO session at once.
    adopt_rules("school1", sign_in={"staff": ["password"]})
    assert school.get("/api/v1/me/").status_code == 403
    assert school.get("/teacher/today/").status_code == 302  # back to signing in


def host_page(schema: str, path: str) -> str:
    from django.test import Client

    return Client(HTTP_HOST=f"{schema}.localhost").get(path).content.decode()


def test_esia_only_staff_are_not_locked_out(
    browser: Browser, family1: Family, school1: Any
) -> None:
    """sign_in.staff = ["esia"]: passwords no longer open the journal, Госуслуги does."""
    adopt_rules("school1", sign_in={"staff": ["esia"]})
    code = str(invite_staff(family1, family1.journal_admin, family1.teacher).json()["code"])
    browser.peer.add_user("uchitel2", sub="esia-4004")
    assert browser.sign_in("uchitel2").status_code == 302
    browser.portal.post("/sso/invitation/", {"school_id": school1.pk, "code": code})
    assert browser.enter("school1").status_code == 302
    assert browser.school("school1").get("/teacher/today/").status_code == 200
