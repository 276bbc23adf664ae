"""Identity fixtures: a real OpenID Connect provider process, families in two schools,
and helpers that walk the sign-in through HTTP (the provider over real sockets, our
hosts through Django's test client with their Host headers)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts import roles
from accounts.models import User
from journal.roster import services as roster
from journal.roster.models import Guardian, Pupil
from journal.structure import services as structure
from journal.structure.models import StaffMember
from tests.world import school_year_create

PEER = Path(__file__).with_name("oidc_peer.py")
CLIENT_ID = "edujournal-test"
CLIENT_SECRET = "peer-client-secret"
REDIRECT_URI = "http://localhost/sso/callback/"


@dataclass
class Peer:
    url: str
    http: httpx.Client

    def put(self, path: str, data: Any) -> None:
        response = self.http.put(f"{self.url}{path}", json=data)
        assert response.status_code == 204, response.text

    def reset(self, *, esia_public_key: str = "") -> None:
        self.put("/_admin/reset", None)
        client: dict[str, Any] = {
            "client_id": CLIENT_ID,
            "secret": CLIENT_SECRET,
            "redirect_uris": [REDIRECT_URI],
        }
        if esia_public_key:
            client["esia_public_key"] = esia_public_key
        self.put("/_admin/client", client)

    def add_user(self, login: str, *, sub: str, snils: str = "", password: str = "pw") -> None:  # noqa: S107
        self.put("/_admin/users", {login: {"sub": sub, "snils": snils, "password": password}})

    def faults(self, *names: str) -> None:
        self.put("/_admin/faults", list(names))


@pytest.fixture(scope="session")
def oidc_peer() -> Iterator[Peer]:
    process = subprocess.Popen(
        [sys.executable, str(PEER)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("READY "), (line, process.stderr.read() if process.stderr else "")
        port = int(line.split()[1])
        with httpx.Client(timeout=10) as http:
            yield Peer(url=f"http://127.0.0.1:{port}", http=http)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def provider(oidc_peer: Peer, settings: Any) -> Peer:
    oidc_peer.reset()
    settings.SSO_ISSUER = oidc_peer.url
    settings.SSO_CLIENT_ID = CLIENT_ID
    settings.SSO_CLIENT_SECRET = CLIENT_SECRET
    settings.SSO_CLIENT_AUTH = "client_secret_post"
    return oidc_peer


# --- schools and people ------------------------------------------------------------------


def make_user(username: str, *role_names: str, last_name: str = "", **extra: Any) -> User:
    user = User.objects.create_user(
        username, password="x-Staff-pass-123", last_name=last_name or username.title(), **extra
    )
    user.first_name = "Тест"
    user.save()
    user.groups.add(*Group.objects.filter(name__in=role_names))
    if {roles.DIRECTOR, roles.DEPUTY, roles.JOURNAL_ADMIN, roles.TEACHER} & set(role_names):
        StaffMember.objects.get_or_create(user=user)
    return user


@dataclass
class Family:
    """One school's cast: staff, a class 5А, a pupil and a parent (consent optional)."""

    schema: str
    director: User
    deputy: User
    journal_admin: User
    class_teacher: User
    teacher: User
    class_group: Any
    pupil: Pupil
    parent: Guardian
    extra: dict[str, Any] = field(default_factory=dict)


def build_family(schema: str, *, pupil_last_name: str = "Иванов", consent: bool = True) -> Family:
    with schema_context(schema):
        today = timezone.localdate()
        director = make_user("director", roles.DIRECTOR)
        deputy = make_user("deputy", roles.DEPUTY)
        jadmin = make_user("jadmin", roles.JOURNAL_ADMIN)
        class_teacher = make_user("classteacher", roles.TEACHER, last_name="Классная")
        teacher = make_user("teacher", roles.TEACHER)
        year = school_year_create(today, by=director)
        class_group = structure.class_group_create(
            year=year,
            grade=5,
            letter="А",
            class_teacher=StaffMember.objects.get(user=class_teacher),
            by=director,
        )
        pupil = roster.pupil_create(
            last_name=pupil_last_name,
            first_name="Пётр",
            patronymic="Сергеевич",
            class_group=class_group,
            enrolled_on=today - dt.timedelta(days=30),
            order_number="1-у",
            username="pupil",
            by=director,
        )
        parent = roster.guardian_create(
            last_name=pupil_last_name + "а", first_name="Мария", username="parent", by=director
        )
        roster.guardian_link_create(guardian=parent, pupil=pupil, relation="mother", by=director)
        if consent:
            roster.consent_record(
                pupil=pupil,
                guardian=parent,
                signed_on=today - dt.timedelta(days=29),
                scan_reference="согласие 1",
                by=director,
            )
        return Family(
            schema=schema,
            director=director,
            deputy=deputy,
            journal_admin=jadmin,
            class_teacher=class_teacher,
            teacher=teacher,
            class_group=class_group,
            pupil=pupil,
            parent=parent,
        )


@pytest.fixture
def family1(school1: Any) -> Family:
    return build_family("school1")


@pytest.fixture
def family2(school2: Any) -> Family:
    return build_family("school2", pupil_last_name="Петров")


# --- walking the flow ----------------------------------------------------------------------


def host(name: str) -> Client:
    return Client(HTTP_HOST=name)


@dataclass
class Browser:
    """One person's browser: a client per host (host-only cookies) and the provider."""

    peer: Peer
    portal: Client = field(default_factory=lambda: host("localhost"))
    schools: dict[str, Client] = field(default_factory=dict)

    def school(self, name: str) -> Client:
        if name not in self.schools:
            self.schools[name] = host(f"{name}.localhost")
        return self.schools[name]

    def start(self, *, purpose: str = "") -> str:
        """Click "Войти через Госуслуги": the provider URL the portal redirects to."""
        response = self.portal.get("/sso/login/" + (f"?purpose={purpose}" if purpose else ""))
        assert response.status_code == 302, response.content
        location = response["Location"]
        assert location.startswith(self.peer.url + "/authorize?")
        return location

    def provider_login(self, authorize_url: str, login: str, password: str = "pw") -> str:  # noqa: S107
        """Fill in the provider's login form; the callback URL it redirects back to."""
        page = self.peer.http.get(authorize_url)
        assert page.status_code == 200, page.text
        rid = re.search(r'name="rid" value="([^"]+)"', page.text)
        assert rid is not None
        response = self.peer.http.post(
            f"{self.peer.url}/authorize/confirm",
            data={"rid": rid.group(1), "login": login, "password": password},
        )
        assert response.status_code == 302, response.text
        return response.headers["Location"]

    def callback(self, url: str) -> Any:
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == REDIRECT_URI
        return self.portal.get(f"{parts.path}?{parts.query}")

    def sign_in(self, login: str, *, purpose: str = "") -> Any:
        return self.callback(self.provider_login(self.start(purpose=purpose), login))

    def enter(self, school: str) -> Any:
        """Pick the school on the portal: begin on the school, ticket from the portal,
        post it to the school. Returns the school's final response."""
        begin = self.school(school).get("/sso/begin/")
        assert begin.status_code == 302
        handover = urlsplit(begin["Location"])
        assert handover.netloc == "localhost"
        page = self.portal.get(f"{handover.path}?{handover.query}")
        if page.status_code != 200:
            return page
        html = page.content.decode()
        action = re.search(r'action="([^"]+)"', html)
        ticket = re.search(r'name="ticket" value="([^"]+)"', html)
        assert action is not None and ticket is not None
        self.last_ticket = ticket.group(1)
        target = urlsplit(action.group(1))
        assert target.netloc == f"{school}.localhost"
        return self.school(school).post(target.path, {"ticket": ticket.group(1)})


@pytest.fixture
def browser(provider: Peer) -> Browser:
    return Browser(peer=provider)
