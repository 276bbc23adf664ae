"""The school's archive page (ARC-1, ARC-3): the director sees every package with its state
and the tree's check, downloads a package as ZIP whose files match the manifest (logged as
an export, ROLE-4); a teacher gets 403; another school's director with this school's id, 404."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

from django_tenants.utils import schema_context

from journal.archive.services import MANIFEST
from journal.audit.models import AccessLog
from tests.archive.conftest import Archived
from tests.web.conftest import signed_in


def test_director_sees_the_packages_and_downloads_one_arc1(archived: Archived) -> None:
    director = signed_in(archived.world.users["director"])
    page = director.get("/archive/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("data-package=") == len(archived.packages)
    assert "Целостность архива подтверждена" in html
    package = archived.packages[0]
    answer = director.get(f"/archive/{package.pk}/download/")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        assert hashlib.sha256(archive.read(MANIFEST)).hexdigest() == package.manifest_sha256
        for entry in manifest["files"]:
            assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == entry["sha256"]
    with schema_context("school1"):
        assert AccessLog.objects.filter(what="archive.package", action="export").exists()


def test_a_teacher_may_not_open_the_archive(archived: Archived) -> None:
    teacher = signed_in(archived.world.users["teacher"])
    assert teacher.get("/archive/").status_code == 403
    assert teacher.get(f"/archive/{archived.packages[0].pk}/download/").status_code == 403


def test_another_schools_director_gets_404_for_this_schools_package(
    archived: Archived, school2_director: Any
) -> None:
    other = signed_in(school2_director, "school2")
    assert other.get("/archive/").status_code == 200
    assert other.get(f"/archive/{archived.packages[0].pk}/download/").status_code == 404
