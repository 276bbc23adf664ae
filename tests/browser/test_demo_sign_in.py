"""Browser: a newcomer follows only what `make demo` prints and reaches every role's start
page (issue #15 done-means). The printed guide is `demo.logins.sign_in_guide`; this test
walks the same structure step by step in Chromium against the live server, with the demo
seed (`seed_demo`) committed into schools of its own and the Госуслуги stand-in
(infra/esia_stub) started as a real process: the parent signs in on the stand-in's page,
lands on the portal and opens the child's diary in each of two schools (SEC-1, DIA-1).
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from demo.logins import (
    DEMO_SCHOOLS,
    ESIA_CLIENT_ID,
    ESIA_CLIENT_NAME,
    ESIA_PEOPLE,
    PUBLIC_STAFF,
    DemoSchool,
    RoleGuide,
    Step,
    render_guide,
    sign_in_guide,
    stub_people,
)
from identity import esia
from tests.browser.test_sso_parent import inn_for
from tests.identity.esia_stub import client_key, run_stub

# The guide's steps touch the first two schools only (staff: the first; the parent: both).
SCHOOLS = tuple(
    dataclasses.replace(school, slug=f"brs-guide{n}", inn=inn_for(200 + n))
    for n, school in enumerate(DEMO_SCHOOLS[:2], start=1)
)


def _drop() -> None:
    from accounts.models import User
    from core.tenancy import db
    from tenants.models import School

    db.set_schema_to_public()
    for school in School.objects.filter(slug__in=[s.slug for s in SCHOOLS]):
        school.delete(force_drop=True)  # type: ignore[call-arg]
    User.objects.filter(username__in=[u for u, *_ in PUBLIC_STAFF]).delete()


@pytest.fixture(scope="module")
def demo(
    django_db_blocker: Any, live_server_port: int, tmp_path_factory: Any
) -> Iterator[tuple[RoleGuide, ...]]:
    """The demo as `make demo` runs it: the stand-in with our client (ЕСИА's signed
    client_secret) and the demo people, SSO_* pointing at it, the demo seed committed
    (once for this module; dropped at its end)."""
    from django.test import override_settings

    from demo.management.commands.demo_seed import seed_demo

    key = client_key()
    site = f"http://localhost:{live_server_port}"
    clients = [
        {
            "client_id": ESIA_CLIENT_ID,
            "name": ESIA_CLIENT_NAME,
            "redirect_uris": [f"{site}/sso/callback/"],
            "auth": "esia",
            "public_key": key.public_pem,
        }
    ]
    folder = tmp_path_factory.mktemp("esia-demo")
    with run_stub(folder, clients=clients, people=stub_people()) as stub:
        overrides = override_settings(
            SSO_ISSUER=stub,
            SSO_CLIENT_ID=ESIA_CLIENT_ID,
            SSO_CLIENT_AUTH="esia",
            ESIA_SIGNER="key",
            ESIA_SIGNING_KEY=key.private_pem,
            DEMO_TOOLS=True,  # demo_code, as in the demo's settings
        )
        with overrides:
            esia.configured_signer.cache_clear()
            try:
                with django_db_blocker.unblock():
                    _drop()
                    seed_demo(schools=SCHOOLS, pupils=2, weeks=1, log=lambda _line: None)
                yield sign_in_guide(site=site, schools=SCHOOLS)
            finally:
                with django_db_blocker.unblock():
                    _drop()
                esia.configured_signer.cache_clear()


def follow(page: Any, step: Step, committed: Any) -> None:
    """Do what the printed line says."""
    if step.kind == "open":
        page.goto(step.url)
    elif step.kind == "password":
        page.get_by_label("Имя пользователя").fill(step.username)
        page.get_by_label("Пароль").fill(step.password)
        page.get_by_role("button", name="Войти").click()
    elif step.kind == "code":
        # The printed command: `.venv/bin/python platform/manage.py demo_code ...`.
        out = io.StringIO()
        committed(lambda: call_command(*step.argv, stdout=out))
        page.get_by_label("Код").fill(out.getvalue().strip())
        page.get_by_role("button", name="Подтвердить").click()
    elif step.kind == "esia":
        page.get_by_role("link", name="Войти через Госуслуги").click()
        page.get_by_role("heading", name="Вход").wait_for()  # the stand-in's own page
        page.get_by_label("Телефон / Email / СНИЛС").fill(step.login)
        page.get_by_label("Пароль").fill(step.password)
        page.get_by_role("button", name="Войти").click()
        # The stand-in asks for consent on a person's first sign-in to the journal.
        page.wait_for_url(lambda u: urlsplit(u).path in ("/sso/", "/authorize/"))
        if urlsplit(page.url).path == "/authorize/":
            page.get_by_role("heading", name="Предоставление прав доступа").wait_for()
            page.get_by_role("button", name="Предоставить").click()
        page.wait_for_url("**/sso/")
    elif step.kind == "pick":
        page.locator("ul.schools").get_by_role("link", name=step.school, exact=True).click()
    elif step.kind == "link":
        page.get_by_role("link", name=step.name).first.click()
    elif step.kind == "see":
        heading = page.get_by_role("heading", level=1, name=re.compile("^" + re.escape(step.text)))
        heading.wait_for()
    else:
        raise AssertionError(f"a printed step the test cannot follow: {step.kind}")


def test_the_seed_links_the_gosuslugi_people_and_names_everyone(
    demo: tuple[RoleGuide, ...], committed: Any
) -> None:
    """The data behind the guide: the mother's two children in two schools through the
    public subject index; staff with full names; parents with e-mail and phone and names
    not copied from their children."""
    from django.conf import settings
    from django_tenants.utils import schema_context

    from accounts.models import User
    from identity.hashing import subject_hash
    from identity.models import SubjectIndex
    from journal.roster.models import Guardian, GuardianLink
    from journal.structure.models import StaffMember
    from tenants.models import School

    mother = next(p for p in ESIA_PEOPLE if len(p.records) == 2)
    newcomer = next(p for p in ESIA_PEOPLE if not all(r.linked for r in p.records))

    def check() -> None:
        schools = {s.slug: s for s in School.objects.filter(slug__in=[x.slug for x in SCHOOLS])}
        hashed = subject_hash(issuer=settings.SSO_ISSUER, subject=mother.oid)
        linked = set(
            SubjectIndex.objects.filter(subject_hash=hashed).values_list("school__slug", flat=True)
        )
        assert linked == {s.slug for s in SCHOOLS}
        unlinked = subject_hash(issuer=settings.SSO_ISSUER, subject=newcomer.oid)
        assert not SubjectIndex.objects.filter(subject_hash=unlinked).exists()
        department = User.objects.get(username="department")
        assert department.full_name == PUBLIC_STAFF[1][2].full
        for school in schools.values():
            with schema_context(school.schema_name):
                staff = list(StaffMember.objects.select_related("user"))
                assert staff and all(
                    m.user.last_name and m.user.first_name and m.user.patronymic for m in staff
                ), [m.user.full_name for m in staff if not m.user.patronymic]
                guardians = list(Guardian.objects.select_related("user"))
                assert guardians and all(g.phone and g.user.email for g in guardians)
                for link in GuardianLink.objects.select_related("guardian__user", "pupil__user"):
                    parent, child = link.guardian.user, link.pupil.user
                    assert parent.first_name != child.first_name
                    assert parent.full_name != child.full_name

    committed(check)


def test_every_role_reaches_its_start_page_by_the_printed_steps(
    browser: Any, demo: tuple[RoleGuide, ...], committed: Any, screenshot: Any
) -> None:
    printed = render_guide(demo)
    roles = [guide.role for guide in demo]
    assert roles == [
        "Оператор",
        "Управление образования",
        "Директор",
        "Заместитель директора",
        "Администратор ЭЖ",
        "Секретарь",
        "Учитель",
        "Классный руководитель 5А",
        "Обучающийся",
        "Родитель (дети в двух школах)",
    ]
    parent = demo[-1]
    diaries = [s.text for s in parent.steps if s.kind == "see"]
    assert diaries == ["Дневник: Смирнов Артём, 5А", "Дневник: Смирнова Дарья, 2А"]
    assert [s.school for s in parent.steps if s.kind == "pick"] == [
        SCHOOLS[0].short_name,
        SCHOOLS[1].short_name,
    ]
    for guide in demo:
        for step in guide.steps:
            assert step.render() in printed  # each step followed is a printed line
        context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.set_default_timeout(20000)
        try:
            for step in guide.steps:
                follow(page, step, committed)
            screenshot(page, f"demo-guide-{roles.index(guide.role):02d}")
        finally:
            context.close()


def test_the_guide_for_the_real_demo_names_its_hosts() -> None:
    guide = render_guide(sign_in_guide(site="http://localhost:8000"))
    assert "откройте http://school1.localhost:8000/accounts/login/" in guide
    assert "platform/manage.py demo_code zavuch --school school1" in guide
    assert "СНИЛС 145-302-871 40, пароль demo-2026" in guide
    assert isinstance(DEMO_SCHOOLS[0], DemoSchool)


def test_a_class_teacher_invites_the_new_parent_who_signs_in_and_sees_the_diary(
    browser: Any, demo: tuple[RoleGuide, ...], committed: Any, screenshot: Any, url: Any
) -> None:
    """The printed «Новый родитель» note: the class teacher issues the code from the pupil
    card; the parent signs in on the stand-in, enters the code on the portal and the
    school's diary opens (#15 done-means: a new parent redeems an invitation code)."""
    newcomer = next(p for p in ESIA_PEOPLE if not all(r.linked for r in p.records))
    record = newcomer.records[0]
    assert record.child is not None
    teacher = next(g for g in demo if g.role.startswith("Классный руководитель"))
    school = SCHOOLS[record.school]

    staff = browser.new_context(locale="ru-RU")
    page = staff.new_page()
    page.set_default_timeout(20000)
    for step in teacher.steps:
        follow(page, step, committed)
    page.goto(url(f"{school.slug}.localhost", "/class/pupils/"))
    page.get_by_role("link", name=record.child.diary).click()
    row = page.locator("tr[data-guardian]", has_text=newcomer.name.full)
    row.get_by_role("button", name="Выдать код приглашения").click()
    page.get_by_role("heading", name="Вход в электронный дневник через Госуслуги").wait_for()
    code = page.locator("#invitation-code").inner_text().strip()
    screenshot(page, "demo-invitation-code")
    staff.close()

    parent = browser.new_context(locale="ru-RU")
    page = parent.new_page()
    page.set_default_timeout(20000)
    follow(page, Step("open", url=url("localhost", "/sso/")), committed)
    follow(page, Step("esia", login=newcomer.snils, password=newcomer.password), committed)
    page.get_by_text("пока не связана ни с одной школой").wait_for()

    def school_id() -> str:
        from tenants.models import School

        return str(School.objects.get(slug=school.slug).pk)

    # By id: the test database's own schools have the same short names.
    page.get_by_label("Школа").select_option(committed(school_id))
    page.get_by_label("Код приглашения от классного руководителя").fill(code)
    page.get_by_role("button", name="Связать").click()
    page.locator(".toast", has_text="Учётная запись связана со школой").wait_for()
    follow(page, Step("pick", school=school.short_name), committed)
    follow(
        page, Step("see", text=f"Дневник: {record.child.diary}, {record.class_title}"), committed
    )
    screenshot(page, "demo-invited-parent-diary")
    parent.close()
