"""Hand-over tickets: bound to one school, one browser, one use, one minute (SEC-1)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import signing

from identity.oidc import SsoError
from identity.tickets import ticket_issue, ticket_redeem
from tests.identity.conftest import Browser, Family
from tests.identity.test_sso_flow import invite


@pytest.fixture
def parent_on_portal(browser: Browser, family1: Family, school1: Any) -> Browser:
    browser.peer.add_user("mama", sub="esia-7007")
    code = invite(family1, family1.parent.user)
    assert browser.sign_in("mama").status_code == 302
    browser.portal.post("/sso/invitation/", {"school_id": school1.pk, "code": code})
    return browser


def test_ticket_for_school_a_is_refused_by_school_b(parent_on_portal: Browser) -> None:
    browser = parent_on_portal
    assert browser.enter("school1").status_code == 302
    # The same ticket posted to school 2 (with school 2's own binding in place).
    browser.school("school2").get("/sso/begin/")
    response = browser.school("school2").post("/sso/enter/", {"ticket": browser.last_ticket})
    assert response.status_code == 403
    assert browser.school("school2").get("/api/v1/me/").status_code == 403


def test_used_ticket_is_refused(parent_on_portal: Browser) -> None:
    browser = parent_on_portal
    assert browser.enter("school1").status_code == 302
    response = browser.school("school1").post("/sso/enter/", {"ticket": browser.last_ticket})
    assert response.status_code == 403
    assert "уже использована" in response.content.decode()


def test_expired_ticket_is_refused(
    parent_on_portal: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = parent_on_portal
    # The portal issues the ticket two minutes "ago" (the signer's clock), lifetime 60 s.
    real = time.time
    monkeypatch.setattr("django.core.signing.time.time", lambda: real() - 120)
    begin = browser.school("school1").get("/sso/begin/")
    from urllib.parse import urlsplit

    handover = urlsplit(begin["Location"])
    page = browser.portal.get(f"{handover.path}?{handover.query}").content.decode()
    monkeypatch.setattr("django.core.signing.time.time", real)
    ticket = page.split('name="ticket" value="')[1].split('"')[0]
    response = browser.school("school1").post("/sso/enter/", {"ticket": ticket})
    assert response.status_code == 403
    assert "истёк" in response.content.decode()


def test_ticket_posted_from_another_browser_is_refused(parent_on_portal: Browser) -> None:
    browser = parent_on_portal
    begin = browser.school("school1").get("/sso/begin/")
    from urllib.parse import urlsplit

    handover = urlsplit(begin["Location"])
    page = browser.portal.get(f"{handover.path}?{handover.query}").content.decode()
    ticket = page.split('name="ticket" value="')[1].split('"')[0]
    victim = Browser(peer=browser.peer)
    victim.school("school1").get("/sso/begin/")
    response = victim.school("school1").post("/sso/enter/", {"ticket": ticket})
    assert response.status_code == 403
    assert victim.school("school1").get("/api/v1/me/").status_code == 403


def test_handover_needs_a_browser_binding_and_a_linked_school(
    parent_on_portal: Browser, school2: Any
) -> None:
    browser = parent_on_portal
    assert browser.portal.get(f"/sso/handover/{school2.pk}/").status_code == 403
    assert browser.portal.get(f"/sso/handover/{school2.pk}/?b=abc").status_code == 403


def test_ticket_service_checks(db: None) -> None:
    value = ticket_issue(schema="school1", user_id=5, subject_hash="h" * 64, binding="b1")
    with pytest.raises(SsoError) as wrong_school:
        ticket_redeem(value=value, schema="school2", binding="b1")
    assert wrong_school.value.reason == "ticket_wrong_school"
    with pytest.raises(SsoError) as tampered:
        ticket_redeem(value=value[:-2] + "xx", schema="school1", binding="b1")
    assert tampered.value.reason == "ticket_bad_signature"
    ticket = ticket_redeem(value=value, schema="school1", binding="b1")
    assert ticket.user_id == 5
    with pytest.raises(SsoError) as used:
        ticket_redeem(value=value, schema="school1", binding="b1")
    assert used.value.reason == "ticket_used"
    # A ticket of another purpose (another salt) is not a ticket.
    other = signing.TimestampSigner(salt="something-else").sign_object({"schema": "school1"})
    with pytest.raises(SsoError):
        ticket_redeem(value=other, schema="school1", binding="b1")
