"""Operator console (ARC-1…4, ARC-2): every school's packages, states and published head; a
package past its keeping date is deleted only when the operator ticks the confirmation, and
leaves a tombstone. No pupil's name on the page. Others get 403."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_tenants.utils import schema_context

from journal.archive.models import ArchiveLeaf
from journal.archive.services import add_years
from tests import clock
from tests.archive.conftest import Archived

URL = "/console/archive/"


def signed_in(user: Any) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def test_operator_sees_each_schools_archive_and_confirms_a_deletion_arc2(
    archived: Archived, operator: Any, school2: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(operator)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-school="school1"' in html and 'data-school="school2"' in html
    assert f"{len(archived.packages)} · ключ" in html
    for pupil in archived.world.pupils:
        assert pupil.user.last_name not in html
    package = archived.packages[0]
    delete = f"/console/archive/{_school1_id()}/packages/{package.pk}/delete/"
    with clock.on(add_years(archived.world.year.ends_on, 5)):
        client = signed_in(operator)  # five years on: a new session
        assert "подтверждаю удаление" in client.get(URL).content.decode()
        client.post(delete)  # no confirmation: nothing happens
        with schema_context("school1"):
            assert not ArchiveLeaf.objects.filter(kind="tombstone").exists()
        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(delete, {"confirm": "yes"}, follow=True)
        assert done.status_code == 200
        with schema_context("school1"):
            tombstone = ArchiveLeaf.objects.get(kind="tombstone")
            assert operator.username in tombstone.data


def _school1_id() -> int:
    from tenants.models import School

    return int(School.objects.get(schema_name="school1").pk)


def test_the_console_shows_each_repositorys_last_cluster_backup_arc5(operator: Any) -> None:
    from backups.models import BackupRun

    page = signed_in(operator).get(URL).content.decode()
    assert "Копий кластера (pgBackRest) ещё не было" in page
    pgbr = BackupRun.Kind.PGBACKREST
    BackupRun.objects.create(kind=pgbr, ok=True, details={"repo": "1", "kind": "full"})
    BackupRun.objects.create(kind=pgbr, ok=True, details={"repo": "2", "kind": "full"})
    BackupRun.objects.create(kind=pgbr, ok=False, details={"repo": "2", "kind": "diff"})
    page = signed_in(operator).get(URL).content.decode()
    first = page[page.index('data-repo="1"') :].split("</p>")[0]
    second = page[page.index('data-repo="2"') :].split("</p>")[0]
    assert "полная" in first and "успешно" in first
    assert "разностная" in second and "не удалось" in second  # the newest run of repo 2


def test_the_archive_console_is_for_the_operator_only(db: None, school1: Any) -> None:
    from accounts.models import User

    someone = User.objects.create_user("someone", password="x-pass-12345")
    assert signed_in(someone).get(URL).status_code == 403


def test_the_console_alerts_when_both_copies_of_a_package_are_bad_arc3(
    archived: Archived, operator: Any
) -> None:
    """ARC-3: a package the patrol found bad in both copies is named on the console as an
    alert, per school; with none, no alert."""
    from journal.archive.models import ArchivePackage

    html = signed_in(operator).get(URL).content.decode()
    assert 'id="archive-broken"' not in html
    with schema_context("school1"):
        ArchivePackage.objects.filter(pk=archived.packages[0].pk).update(
            state=ArchivePackage.State.BROKEN
        )
    html = signed_in(operator).get(URL).content.decode()
    assert 'id="archive-broken"' in html
    alert = html.split('id="archive-broken"', 1)[1].split("</div>", 1)[0]
    assert 'data-school="school1"' in alert and ": 1</li>" in alert
    assert 'data-school="school2"' not in alert
