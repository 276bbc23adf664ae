"""ROLE-1..3 for pages: every school page × every persona, from the pages' own declarations.

Every route of the `web` and `diary` namespaces must be listed in PAGES (the test fails when
a page is added without being listed) and declared with `@school_page(roles=..., methods=...)`.
A persona without one of the declared roles gets the page's refusal (403, or 404 where the
page hides its objects) and nothing is written; a persona with one is let through the gate;
a method the page does not declare gets 405 (issue 11). The menu never links to a page its
reader may not open. A `public` page (the regulation and the user guides, 003 §4.4) is read
by every persona and by an anonymous visitor alike; every other page sends the anonymous
visitor to sign in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_tenants.utils import schema_context

from journal.register.models import Attendance, Mark
from journal.roster.models import Guardian, Pupil
from journal.structure.models import ClassGroup, StaffMember, TimetableEntry
from journal.web.navigation import SCHOOL_NAVIGATION
from journal.web.pages import LEARNERS, PageAccess
from tests.journal.test_access_matrix import PERSONAS
from tests.web.conftest import signed_in
from tests.world import World

NONE = 999_999  # an id of nothing: the gate answers before any object is looked up

Args = Callable[[World], dict[str, int | str]]


def no_args(world: World) -> dict[str, int | str]:
    return {}


PAGES: dict[str, Args] = {
    "web:teacher-today": no_args,
    "web:teacher-timetable": no_args,
    "web:teacher-journals": no_args,
    "web:teacher-grid": lambda w: {"assignment_id": w.math5a.pk},
    "web:teacher-lesson": lambda w: {"lesson_id": w.lesson_today.pk},
    "web:teacher-lesson-save": lambda w: {"lesson_id": NONE},
    "web:teacher-homework-file-upload": lambda w: {"lesson_id": NONE},
    "web:teacher-homework-file-remove": lambda w: {"lesson_id": NONE, "attachment_id": NONE},
    "web:teacher-mark-correct": lambda w: {"mark_id": NONE},
    # period, year, exam and final marks (MRK-3)
    "web:marks-period": lambda w: {"assignment_id": w.math5a.pk, "period_id": w.period.pk},
    "web:marks-year": lambda w: {"assignment_id": w.math5a.pk},
    "web:marks-final-confirm": lambda w: {"assignment_id": NONE},
    "web:control": no_args,
    # the deputy's pages (issue #10)
    "web:deadlines": no_args,
    "web:remarks": no_args,
    "web:remarks-create": no_args,
    "web:remarks-mend": lambda w: {"remark_id": NONE},
    "web:substitutions": no_args,
    "web:substitutions-grant": no_args,
    "web:control-works": no_args,
    "web:class-day": no_args,
    "web:class-attendance-reason": lambda w: {"attendance_id": NONE},
    "web:class-pupils": no_args,
    "web:class-pupil-card": lambda w: {"pupil_id": w.pupils[0].pk},
    "web:class-temporary-login-issue": lambda w: {"pupil_id": NONE},
    "web:class-temporary-login-revoke": lambda w: {"temporary_login_id": NONE},
    "web:class-invitation-issue": lambda w: {"pupil_id": NONE, "user_id": NONE},
    "web:manage-staff-password": lambda w: {"staff_id": NONE},
    "web:plan-import": no_args,
    "web:manage-classes": no_args,
    "web:manage-class-teacher": lambda w: {"class_group_id": w.class5a.pk},
    "web:manage-subgroups": lambda w: {"class_group_id": w.class5a.pk},
    "web:manage-staff": no_args,
    "web:manage-staff-deactivate": lambda w: {"staff_id": NONE},
    "web:manage-staff-reactivate": lambda w: {"staff_id": NONE},
    "web:manage-pupils": no_args,
    "web:manage-parents": no_args,
    "web:manage-parent-link": no_args,
    "web:manage-movement": no_args,
    # bringing the school's lists in (issue #15, SET-6)
    "web:manage-import": no_args,
    "web:manage-import-template": no_args,
    "web:manage-import-confirm": no_args,
    "web:manage-pupil": lambda w: {"pupil_id": w.pupils[0].pk},
    "web:manage-pupil-move": lambda w: {"pupil_id": NONE},
    "web:manage-pupil-consent": lambda w: {"pupil_id": NONE},
    "web:manage-pupil-consent-revoke": lambda w: {"pupil_id": NONE, "consent_id": NONE},
    "web:manage-years": no_args,
    "web:manage-year-periods": lambda w: {"year_id": w.year.pk},
    "web:manage-bells": no_args,
    "web:manage-breaks": no_args,
    "web:manage-assignments": no_args,
    "web:manage-timetable": no_args,
    # reports and paper copies (issue #12): the form and its parameters are query strings
    "web:reports": no_args,
    "web:reports-view": no_args,
    "web:reports-download": no_args,
    "web:reports-job-start": no_args,
    "web:reports-job": lambda w: {"job_id": NONE},
    "web:reports-job-file": lambda w: {"job_id": NONE, "file_id": NONE},
    # the class teacher's reports (issue #12, reports3): REP-4, REP-6, DIA-3, DIA-5
    "web:class-certificates": no_args,
    "web:class-summary-download": no_args,
    "web:class-parent-reports": no_args,
    "web:class-printouts": no_args,
    "web:class-printout-download": lambda w: {"printout_id": NONE},
    # messages, announcements, notifications (issue #16)
    "web:messages": no_args,
    "web:messages-new": no_args,
    "web:messages-thread": lambda w: {"thread_id": NONE},
    "web:messages-thread-reply": lambda w: {"thread_id": NONE},
    "web:messages-report": lambda w: {"message_id": NONE},
    "web:messages-file": lambda w: {"message_id": NONE, "attachment_id": NONE},
    "web:messages-reports": no_args,
    "web:messages-report-resolve": lambda w: {"report_id": NONE},
    "web:messages-announcements": no_args,
    "web:messages-announcement-withdraw": lambda w: {"announcement_id": NONE},
    "web:messages-settings": no_args,
    "web:messages-deliveries": no_args,
    "web:messages-class-chat": lambda w: {"class_group_id": NONE},
    "web:messages-notifications": no_args,
    "web:messages-push-worker": no_args,
    "diary:index": no_args,
    "diary:timetable": no_args,
    "diary:homework-file": lambda w: {"lesson_id": NONE, "attachment_id": NONE},
    # The whole school year (issue #10): closing the year, the class teacher's duties, the
    # parent's acknowledgement of period marks, the public regulation and user guides.
    "web:yearend": no_args,
    "web:class-summary": no_args,
    "web:class-data-checks": no_args,
    "web:class-acknowledgements": no_args,
    "diary:marks-acknowledge": no_args,
    "web:regulation": no_args,
    "web:regulation-guide": lambda w: {"slug": "teacher"},
    # The archive (issue #14)
    "web:archive": no_args,
    "web:archive-download": lambda w: {"package_id": NONE},
}


def page_routes() -> dict[str, Any]:
    """Every named route of the pages' namespaces, with its view."""
    found: dict[str, Any] = {}

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and namespace in ("web", "diary") and p.name:
                found[f"{namespace}:{p.name}"] = p.callback

    walk(get_resolver("config.urls_tenants").url_patterns, None)
    return found


def access_of(name: str) -> PageAccess:
    access = getattr(page_routes()[name], "page_access", None)
    assert isinstance(access, PageAccess), f"{name} is not declared with @school_page"
    return access


def test_every_page_route_is_in_the_matrix_and_declared() -> None:
    routes = page_routes()
    assert set(routes) == set(PAGES)
    for name in routes:
        access = access_of(name)
        assert access.roles and access.methods, name
        assert access.deny in (403, 404), name


def persona_roles(world: World) -> dict[str, set[str]]:
    with schema_context("school1"):
        return {p: set(world.users[p].groups.values_list("name", flat=True)) for p in PERSONAS}


def counts() -> tuple[int, ...]:
    with schema_context("school1"):
        models = (Mark, Attendance, StaffMember, Pupil, Guardian, ClassGroup, TimetableEntry)
        return tuple(m.objects.count() for m in models)


def url_of(name: str, world: World) -> str:
    with schema_context("school1"):
        return reverse(name, kwargs=PAGES[name](world))


def test_each_persona_meets_each_page_as_declared(world: World) -> None:
    """A persona without the page's roles is refused (nothing written); with them, the gate
    lets them through (the page may still hide an object with 404). Unsafe methods go to
    ids of nothing, so even an allowed persona writes nothing."""
    held = persona_roles(world)
    before = counts()
    clients = {p: signed_in(world.users[p]) for p in PERSONAS}
    checked = 0
    for name in PAGES:
        access = access_of(name)
        url = url_of(name, world)
        method = "get" if "GET" in access.methods else "post"
        needed = access.roles if method == "get" else access.write_roles
        for persona, client in clients.items():
            status = getattr(client, method)(url).status_code
            if access.public:
                assert status == 200, (name, persona, status)
            elif held[persona] & needed:
                assert status not in (403, 405), (name, persona, status)
            elif held[persona] & LEARNERS and name.startswith("web:"):
                # The session guard keeps parents and pupils out of staff pages first.
                assert status == 403, (name, persona, status)
            else:
                assert status == access.deny, (name, persona, status)
            checked += 1
    assert checked == len(PAGES) * len(PERSONAS)
    assert counts() == before


def test_undeclared_methods_get_405(world: World) -> None:
    client = signed_in(world.users["director"])
    for name in PAGES:
        access = access_of(name)
        url = url_of(name, world)
        for method in ("put", "delete", "patch"):
            assert getattr(client, method)(url).status_code == 405, (name, method)
        if "POST" not in access.methods:
            assert client.post(url).status_code == 405, name
        if "GET" not in access.methods:
            assert client.get(url).status_code == 405, name


def test_anonymous_visitors_are_sent_to_sign_in(world: World) -> None:
    client = signed_in(world.users["director"])
    client.logout()
    public = []
    for name in PAGES:
        access = access_of(name)
        url = url_of(name, world)
        response = client.get(url) if "GET" in access.methods else client.post(url)
        if access.public:
            # Read without signing in, and nothing on it names a person of the school.
            assert response.status_code == 200, name
            html = response.content.decode()
            names = [p.user.last_name for p in [*world.pupils, world.other_pupil]]
            assert not [n for n in [*names, "Родителева", "Математикова"] if n in html], name
            public.append(name)
        else:
            assert response.status_code == 302 and "login" in response["Location"], name
    # The regulation and its guides (001 ЭД п.1); the push service worker's script (COM-2).
    assert public == ["web:messages-push-worker", "web:regulation", "web:regulation-guide"]


def test_public_pages_only_read() -> None:
    for name in PAGES:
        access = access_of(name)
        if access.public:
            assert set(access.methods) <= {"GET", "HEAD", "OPTIONS"}, name


def test_the_menu_links_only_to_pages_its_readers_may_open() -> None:
    for item in SCHOOL_NAVIGATION:
        if item.url_name not in PAGES:
            continue
        assert set(item.roles) <= access_of(item.url_name).roles, item.url_name


def test_class_teacher_items_are_for_teachers_who_lead_a_class(world: World) -> None:
    """«Классное руководство» is in the menu of a teacher with a class, not of every teacher."""
    menu = {
        persona: signed_in(world.users[persona]).get("/teacher/today/").content.decode()
        for persona in ("class_teacher", "teacher")
    }
    assert 'href="/class/day/"' in menu["class_teacher"]
    assert 'href="/class/day/"' not in menu["teacher"]
    assert 'href="/teacher/today/"' in menu["teacher"]  # the menu itself is there
