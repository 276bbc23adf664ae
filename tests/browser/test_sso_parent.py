"""Browser: a parent signs in through the provider's own login page (the OIDC peer, a
separate process), links two schools — one by the class teacher's invitation code, one by
the СНИЛС the school holds — picks each school on the portal and lands in the child's diary
through the hand-over (issue #6, SEC-1, SET-5, DIA-1)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django_tenants.utils import schema_context

from tests.identity.conftest import CLIENT_ID, CLIENT_SECRET, Peer, oidc_peer

__all__ = ["oidc_peer"]  # the provider process fixture, shared with tests/identity

SNILS = "112-233-445 95"
SCHOOLS = ("brs-sso-a", "brs-sso-b")


@pytest.fixture
def provider(oidc_peer: Peer, settings: Any, live_server_port: int) -> Iterator[Peer]:
    """The provider knows our client with the live server's callback; the live server
    (a thread of this process) reads the overridden settings."""
    oidc_peer.put("/_admin/reset", None)
    oidc_peer.put(
        "/_admin/client",
        {
            "client_id": CLIENT_ID,
            "secret": CLIENT_SECRET,
            "redirect_uris": [f"http://localhost:{live_server_port}/sso/callback/"],
        },
    )
    settings.SSO_ISSUER = oidc_peer.url
    settings.SSO_CLIENT_ID = CLIENT_ID
    settings.SSO_CLIENT_SECRET = CLIENT_SECRET
    settings.SSO_CLIENT_AUTH = "client_secret_post"
    yield oidc_peer
    oidc_peer.put("/_admin/reset", None)


def inn_for(seed: int) -> str:
    """A valid legal-entity ИНН (10 digits, check digit) distinct per school."""
    digits = [int(d) for d in f"366201{seed:03d}"]
    weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    check = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11 % 10
    return "".join(map(str, digits)) + str(check)


@pytest.fixture
def diary_school(committed: Any) -> Any:
    """A committed school with the journal's small school year (as `journal_school`, but
    with its own ИНН so that two can exist at once); dropped at teardown."""

    def build(slug: str, number: int) -> Any:
        from core.tenancy import db
        from tenants.models import School
        from tenants.services import school_create
        from tests.world import build_world

        def drop() -> None:
            db.set_schema_to_public()
            for school in School.objects.filter(slug=slug):
                school.delete(force_drop=True)  # type: ignore[call-arg]

        def create() -> Any:
            drop()
            created = school_create(
                slug=slug,
                name=f"МБОУ «Школа {slug}»",
                short_name=f"Школа {number}",
                inn=inn_for(100 + number),
                admin_email=f"director@{slug}.example",
            )
            with schema_context(created.school.schema_name):
                world = build_world()
            db.set_schema_to_public()
            return world

        return committed(create, drop)

    return build


def seed(world: Any, schema: str, *, invite: bool) -> str:
    """A mark for the child; an invitation code for the parent, or their СНИЛС on record."""
    from journal.identity.services import identity_attribute_record, invitation_issue
    from journal.register.services import MarkInput, marks_save

    with schema_context(schema):
        marks_save(
            lesson=world.lesson_yesterday,
            marks=[MarkInput(world.pupils[0].pk, 4, "oral")],
            by=world.users["teacher"],
        )
        by = world.users["class_teacher"]
        if invite:
            _, code = invitation_issue(person=world.users["parent"], by=by)
            return code
        identity_attribute_record(person=world.users["parent"], snils=SNILS, by=by)
        return ""


def provider_sign_in(page: Any, peer: Peer, screenshot: Any, name: str) -> None:
    """On the provider's own page (another origin): fill in the form and submit."""
    page.get_by_role("heading", name="Вход (тестовый провайдер)").wait_for()
    assert page.url.startswith(peer.url + "/authorize?")
    page.get_by_label("Логин").fill("mama")
    page.get_by_label("Пароль").fill("mama-pass")
    screenshot(page, name)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/sso/")


def test_parent_signs_in_with_gosuslugi_and_sees_the_diaries(
    page: Any,
    url: Any,
    screenshot: Any,
    committed: Any,
    diary_school: Any,
    provider: Peer,
) -> None:
    from identity.hashing import subject_hash
    from identity.models import SubjectIndex
    from tenants.models import School

    worlds = [diary_school(slug, n) for n, slug in enumerate(SCHOOLS, start=1)]
    schemas = [slug.replace("-", "_") for slug in SCHOOLS]
    code = committed(lambda: seed(worlds[0], schemas[0], invite=True))
    committed(lambda: seed(worlds[1], schemas[1], invite=False))
    school_a, school_b = committed(
        lambda: [School.objects.get(schema_name=schema) for schema in schemas]
    )
    provider.add_user("mama", sub="esia-7007", snils=SNILS, password="mama-pass")

    def forget_portal_sessions() -> None:
        from django.contrib.sessions.models import Session

        keys = [c["value"] for c in page.context.cookies() if c["domain"] == "localhost"]
        Session.objects.filter(session_key__in=keys).delete()

    committed(lambda: None, forget_portal_sessions)

    # The portal on the public host: «Войти через Госуслуги».
    page.goto(url("localhost", "/sso/"))
    screenshot(page, "sso-portal")
    page.get_by_role("link", name="Войти через Госуслуги").click()
    provider_sign_in(page, provider, screenshot, "sso-provider-login")
    page.get_by_text("пока не связана ни с одной школой").wait_for()
    screenshot(page, "sso-portal-not-linked")

    # School A: the invitation code from the class teacher.
    page.get_by_label("Школа").select_option(str(school_a.pk))
    page.get_by_label("Код приглашения от классного руководителя").fill(code)
    page.get_by_role("button", name="Связать").click()
    page.locator(".toast", has_text="Учётная запись связана со школой").wait_for()
    schools = page.get_by_role("list").filter(has=page.locator("a.btn"))
    assert schools.get_by_role("link").count() == 1

    # School B: «найти школы по СНИЛС» — the provider again, now with the snils scope.
    page.get_by_role("link", name="найти школы по СНИЛС").click()
    provider_sign_in(page, provider, screenshot, "sso-provider-login-snils")
    page.locator(".toast", has_text="Учётная запись связана:").wait_for()
    links = page.locator("ul.schools a")
    hrefs = sorted(links.evaluate_all("els => els.map(e => e.href)"))
    assert hrefs == [url(f"{slug}.localhost", "/sso/begin/") for slug in SCHOOLS]
    screenshot(page, "sso-portal-two-schools")

    # The public index holds the keyed hash → school, nothing else.
    def index_rows() -> list[tuple[str, int]]:
        return sorted(SubjectIndex.objects.values_list("subject_hash", "school_id"))

    expected = subject_hash(issuer=provider.url, subject="esia-7007")
    assert committed(index_rows) == sorted([(expected, school_a.pk), (expected, school_b.pk)])

    # Pick each school: begin on the school, ticket from the portal, the diary.
    for slug, schema, world in zip(SCHOOLS, schemas, worlds, strict=True):
        page.goto(url("localhost", "/sso/"))
        page.locator(f"ul.schools a[href*='{slug}.localhost']").click()
        page.wait_for_url(url(f"{slug}.localhost", "/**"))
        page.get_by_role("heading", name="Дневник: Ученик00 Иван, 5А").wait_for()
        row = page.locator("table.progress tr", has_text="Математика")
        assert row.locator("[data-average]").inner_text() == "4,00"
        page.locator("span.m", has_text="4").first.wait_for()
        screenshot(page, f"sso-diary-{slug}")
        # The school session is host-only; the portal's cookie is not the school's.
        cookies = {(c["domain"], c["name"]) for c in page.context.cookies()}
        assert (f"{slug}.localhost", "__Host-sessionid") in cookies
        assert ("localhost", "__Host-sessionid") in cookies

        def sso_sign_ins(schema: str = schema, parent: Any = world.users["parent"]) -> int:
            from journal.identity.models import Participation

            with schema_context(schema):
                row = Participation.objects.get(user=parent)
                assert row.last_method == Participation.Method.SSO
                return int(row.sign_in_count)

        assert committed(sso_sign_ins) == 1
