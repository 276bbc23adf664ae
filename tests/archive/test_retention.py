"""ARC-2 (TPL-1 retention rules): what is due is listed, nothing goes without an operator's
confirmation; deleting leaves a signed tombstone leaf and verification still passes. The
journal's files go after `retention_journal_years`, the summary sheet (and the manifest)
after `retention_summary_years`, both counted from the year's end."""

from __future__ import annotations

from typing import Any

import pytest

from core.errors import ApplicationError
from journal.archive import storage as st
from journal.archive.models import ArchiveLeaf, ArchivePackage
from journal.archive.services import (
    MANIFEST,
    PAPER_COPY_FILE,
    SUMMARY_FILE,
    add_years,
    package_verify,
    retention_delete,
    retention_due,
)
from journal.archive.tree import tree_verify
from tests.archive.conftest import Archived


def test_due_files_are_listed_and_deleted_only_after_confirmation_with_a_tombstone_arc2(
    archived: Archived, django_capture_on_commit_callbacks: Any
) -> None:
    year_end = archived.world.year.ends_on
    package = archived.packages[0]
    journal_due = add_years(year_end, 5)
    assert retention_due(on=journal_due - __import__("datetime").timedelta(days=1)) == []
    due = {d.package.pk: d.files for d in retention_due(on=journal_due)}
    assert set(due) == {p.pk for p in archived.packages}
    assert PAPER_COPY_FILE in due[package.pk] and "records.json" in due[package.pk]
    assert SUMMARY_FILE not in due[package.pk] and MANIFEST not in due[package.pk]
    # Listing deleted nothing; no confirmation, no deletion.
    assert package_verify(package) == []
    with pytest.raises(ApplicationError):
        retention_delete(package=package, on=journal_due, confirmed_by=" ")
    with django_capture_on_commit_callbacks(execute=True):
        tombstone = retention_delete(package=package, on=journal_due, confirmed_by="operator")
    assert tombstone.kind == ArchiveLeaf.Kind.TOMBSTONE
    assert PAPER_COPY_FILE in tombstone.data and "operator" in tombstone.data
    for _location, storage in st.locations():
        assert not storage.exists(f"{package.folder}/{PAPER_COPY_FILE}")
        assert storage.exists(f"{package.folder}/{SUMMARY_FILE}")
    package.refresh_from_db()
    assert package_verify(package) == []
    assert tree_verify().ok
    # A deletion without its tombstone is not accepted as one.
    forged = ArchivePackage.objects.get(pk=archived.packages[1].pk)
    forged.deleted_files = ["marks.csv"]
    assert [p.file for p in package_verify(forged)] == ["marks.csv"]
    # Not due again for the same files.
    assert package.pk not in {d.package.pk for d in retention_due(on=journal_due)}
    # 25 years: the summary sheet and the manifest go; the package is a record of deletion.
    summary_due = add_years(year_end, 25)
    with django_capture_on_commit_callbacks(execute=True):
        retention_delete(package=package, on=summary_due, confirmed_by="operator")
    package.refresh_from_db()
    assert package.state == ArchivePackage.State.DELETED
    for _location, storage in st.locations():
        assert st.all_files(storage, package.folder) == []
    assert package_verify(package) == []
    report = tree_verify()
    assert report.ok and report.size == len(archived.packages) + 2


def test_a_package_not_yet_due_cannot_be_deleted(archived: Archived) -> None:
    with pytest.raises(ApplicationError):
        retention_delete(package=archived.packages[0], on=archived.day, confirmed_by="operator")
