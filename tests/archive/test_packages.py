"""ARC-1, ARC-3, ARC-4: closing a period gives one package per class in both locations, each
verifying; one changed byte anywhere is named and the patrol mends it from the other copy;
a removed or reordered leaf fails the consistency proof; a foreign key's head fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from archive_heads.models import PublishedTreeHead
from archive_heads.services import published_heads
from archive_heads.signing import Head, head_sign, head_verify
from journal.archive import storage as st
from journal.archive.models import ArchiveLeaf, ArchivePackage, TreeHead
from journal.archive.services import (
    MANIFEST,
    PAPER_COPY_FILE,
    SUMMARY_FILE,
    package_build,
    package_verify,
    patrol_run,
    period_archive,
    period_classes,
)
from journal.archive.tree import tree_verify
from tests.archive.conftest import Archived
from tests.world import World


def _flip(root: Path, location: str, folder: str, name: str) -> None:
    path = root / location.removeprefix("archive_") / folder / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_closing_a_period_archives_one_package_per_class_in_both_places_arc1_arc4(
    archived: Archived,
) -> None:
    classes = period_classes(archived.world.period)
    assert len(archived.packages) == len(classes) >= 2
    assert {p.class_group_id for p in archived.packages} == {c.pk for c in classes}
    for package in archived.packages:
        assert package_verify(package) == []
        names = {e["name"] for e in package.files}
        assert {PAPER_COPY_FILE, SUMMARY_FILE, "records.json", "marks.csv", "corrections.csv",
                "attendance.csv", "lessons.csv", "period_marks.csv"} <= names  # fmt: skip
        for location, storage in st.locations():
            files = st.all_files(storage, package.folder)
            assert sorted(f.rsplit("/", 1)[1] for f in files) == sorted([*names, MANIFEST])
            assert not any(st.TEMP_PREFIX in f for f in files), location
        manifest = json.loads((archived.root / "primary" / package.folder / MANIFEST).read_bytes())
        assert manifest["school"]["schema"] == "school1"
        assert manifest["class"]["title"] == package.class_group.title
        assert manifest["period"]["id"] == archived.world.period.pk
        assert manifest["generator"] and "regulation_version" in manifest
        assert {e["name"]: e["sha256"] for e in manifest["files"]} == {
            e["name"]: e["sha256"] for e in package.files
        }
        assert (archived.root / "primary" / package.folder / PAPER_COPY_FILE).read_bytes()[
            :4
        ] == b"%PDF"
    # One leaf and one signed head per package, in the school and in public.
    assert ArchiveLeaf.objects.count() == len(classes) == TreeHead.objects.count()
    heads = published_heads(school="school1")
    assert [h.tree_size for h in heads] == list(range(1, len(classes) + 1))
    assert all(head_verify(h) for h in heads)
    assert tree_verify().ok


def test_archiving_again_is_a_no_op_exactly_once(archived: Archived) -> None:
    again = period_archive(period=archived.world.period, on=archived.day)
    assert [p.pk for p in again] == [p.pk for p in archived.packages]
    assert ArchiveLeaf.objects.count() == len(archived.packages)


def test_records_keep_corrections_authors_and_absence_reasons_arc1(archived: Archived) -> None:
    package = next(p for p in archived.packages if p.class_group_id == archived.world.class5a.pk)
    records = json.loads(
        (archived.root / "secondary" / package.folder / "records.json").read_bytes()
    )
    assert set(records) == {"lessons", "marks", "corrections", "attendance", "period_marks"}
    assert records["lessons"], "the world's 5А has lessons in the period"
    for mark in records["marks"]:
        assert mark["entered_by"] and mark["pupil"]


def test_a_period_that_has_not_ended_is_refused(world: World, archive_settings: Path) -> None:
    from core.errors import ApplicationError

    with schema_context("school1"):
        period = world.period
        with pytest.raises(ApplicationError):
            period_archive(period=period, on=period.ends_on)


@pytest.mark.parametrize("location", st.LOCATIONS)
@pytest.mark.parametrize(
    "name", [PAPER_COPY_FILE, SUMMARY_FILE, "records.json", "marks.csv", MANIFEST]
)
def test_one_changed_byte_is_named_and_the_patrol_repairs_it_arc3(
    archived: Archived, location: str, name: str
) -> None:
    package = archived.packages[0]
    _flip(archived.root, location, package.folder, name)
    problems = package_verify(package)
    assert [(p.location, p.file) for p in problems] == [(location, name)]
    result = patrol_run(limit=len(archived.packages))
    assert result.repaired == [package.key] and result.broken == []
    assert package_verify(package) == []
    package.refresh_from_db()
    assert package.state == ArchivePackage.State.REPAIRED


def test_both_copies_bad_alerts_and_marks_the_package_broken(
    archived: Archived, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sentry_sdk

    sent: list[str] = []
    monkeypatch.setattr(sentry_sdk, "capture_message", lambda text, **kw: sent.append(text))
    package = archived.packages[0]
    for location in st.LOCATIONS:
        _flip(archived.root, location, package.folder, "records.json")
    result = patrol_run(limit=len(archived.packages))
    assert result.broken == [package.key]
    assert "both copies bad" in caplog.text and "records.json" in caplog.text
    assert len(sent) == 1 and package.key in sent[0]
    package.refresh_from_db()
    assert package.state == ArchivePackage.State.BROKEN


def _without_triggers() -> None:
    with connection.cursor() as cursor:  # what an intruder with the school's SQL could do
        cursor.execute("SET LOCAL session_replication_role = replica")


def test_a_removed_package_leaf_fails_the_consistency_proof_arc3(archived: Archived) -> None:
    _without_triggers()
    ArchiveLeaf.objects.filter(index=0).delete()
    with connection.cursor() as cursor:
        # In two steps: a unique index is checked row by row.
        cursor.execute("UPDATE archive_archiveleaf SET index = index + 1000")
        cursor.execute("UPDATE archive_archiveleaf SET index = index - 1001")
    report = tree_verify()
    assert not report.ok
    assert report.first_broken_leaf == 0
    assert any("согласованности" in p for p in report.problems)


def test_a_reordered_history_fails_the_consistency_proof_arc3(archived: Archived) -> None:
    assert len(archived.packages) >= 2
    _without_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE archive_archiveleaf SET index = index + 1000 WHERE index IN (0, 1)")
        cursor.execute(
            "UPDATE archive_archiveleaf SET index = CASE index WHEN 1000 THEN 1 ELSE 0 END "
            "WHERE index >= 1000"
        )
    report = tree_verify()
    assert not report.ok and report.first_broken_leaf == 0
    # The package's own check sees its leaf no longer is its leaf.
    assert package_verify(archived.packages[0])[0].location == "дерево"


def test_a_head_signed_with_another_key_fails_arc3(archived: Archived) -> None:
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from tests.archive.conftest import OTHER_KEY

    heads = published_heads(school="school1")
    latest = heads[-1]
    other = Ed25519PrivateKey.from_private_bytes(base64.b64decode(OTHER_KEY))
    forged = head_sign(
        school="school1",
        tree_size=latest.tree_size + 1,
        root_hash="00" * 32,
        signed_at=latest.signed_at,
        key=other,
    )
    assert not head_verify(forged)
    # A head whose fields were changed after signing fails too.
    changed = Head(latest.school, latest.tree_size, "11" * 32, latest.signed_at, latest.key_id,
                   latest.signature)  # fmt: skip
    assert not head_verify(changed)
    # Planted in public, the forged head makes the school's verification fail.
    PublishedTreeHead.objects.create(
        school="school1", tree_size=forged.tree_size, root_hash=forged.root_hash,
        signed_at=forged.signed_at, key_id=forged.key_id, signature=forged.signature,
    )  # fmt: skip
    report = tree_verify()
    assert any("подпись" in p for p in report.problems)


def test_a_rotated_key_keeps_old_heads_verifying(archived: Archived, settings: Any) -> None:
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from archive_heads.signing import key_id_of, public_raw
    from tests.archive.conftest import OTHER_KEY, TEST_KEY

    old = Ed25519PrivateKey.from_private_bytes(base64.b64decode(TEST_KEY)).public_key()
    settings.ARCHIVE_SIGNING_KEY = OTHER_KEY
    assert not all(head_verify(h) for h in published_heads(school="school1"))
    settings.ARCHIVE_PUBLIC_KEYS = {key_id_of(old): base64.b64encode(public_raw(old)).decode()}
    assert all(head_verify(h) for h in published_heads(school="school1"))
    # New packages are signed with the new key, and the whole tree still verifies.
    cls = archived.world.class5a
    package_build(class_group=cls, period=None, kind="year")
    heads = published_heads(school="school1")
    assert heads[-1].key_id != heads[0].key_id
    assert tree_verify().ok


def test_every_package_has_an_inclusion_proof_to_the_published_head_arc3(
    archived: Archived,
) -> None:
    from archive_heads import merkle
    from journal.archive.tree import inclusion

    for package in archived.packages:
        leaf = ArchiveLeaf.objects.get(index=package.leaf_index)
        proof, head = inclusion(package.leaf_index)
        assert head is not None and head_verify(head)
        root = bytes.fromhex(head.root_hash)
        digest = bytes.fromhex(leaf.leaf_hash)
        assert merkle.verify_inclusion(package.leaf_index, head.tree_size, digest, proof, root)
        assert not merkle.verify_inclusion(
            package.leaf_index, head.tree_size, merkle.leaf_hash(b"forged"), proof, root
        )


def test_leaves_and_heads_are_append_only_in_a_cloned_school_arc3(archived: Archived) -> None:
    from django.db import DatabaseError, transaction

    leaf = ArchiveLeaf.objects.order_by("index").first()
    head = TreeHead.objects.order_by("tree_size").first()
    assert leaf is not None and head is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        ArchiveLeaf.objects.filter(pk=leaf.pk).update(data="{}")
    with pytest.raises(DatabaseError), transaction.atomic():
        TreeHead.objects.filter(pk=head.pk).update(root_hash="00" * 32)
    for model, pk in ((ArchiveLeaf, leaf.pk), (TreeHead, head.pk)):
        with pytest.raises(DatabaseError), transaction.atomic():
            model.objects.filter(pk=pk).delete()


@pytest.mark.parametrize("name", [PAPER_COPY_FILE, SUMMARY_FILE])
def test_the_archived_pdfs_are_pdf_a_3b_and_keep_cyrillic_arc1(
    archived: Archived, name: str
) -> None:
    """PDF/A where WeasyPrint can (issue #14): XMP `pdfaid:part` 3, conformance B, an sRGB
    output intent, every font embedded; the Russian text is still text."""
    import io

    from pypdf import PdfReader

    package = next(p for p in archived.packages if p.class_group_id == archived.world.class5a.pk)
    reader = PdfReader(io.BytesIO((archived.root / "primary" / package.folder / name).read_bytes()))
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("3", "B")
    root: Any = reader.trailer["/Root"]
    intents = root["/OutputIntents"]
    assert [i.get_object()["/S"] for i in intents] == ["/GTS_PDFA1"]
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            descriptor = (
                font.get_object().get("/FontDescriptor")
                or font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            )
            assert any(
                k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    text = "".join(page.extract_text() for page in reader.pages)
    assert "5А" in text or "5 А" in text
    assert any("а" <= ch <= "я" for ch in text.lower())
    # A plain report (outside the archive) stays an ordinary PDF.
    from journal.reports.render import pdf_from_html

    plain = PdfReader(io.BytesIO(pdf_from_html("<p>Журнал</p>")))
    assert plain.xmp_metadata is None or plain.xmp_metadata.pdfaid_part is None
