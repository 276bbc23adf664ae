"""Archive packages (ARC-1…4, ARC-6): build, verify, patrol, retention (ARC-2).

A package is one class's journal for a period (or its year summary): the paper copy (REP-3)
and the summary progress sheet as PDF (journal.reports), the records as JSON and CSV, and a
manifest naming every file's SHA-256 and size. Exactly once per school × class × period ×
kind: the build runs under an advisory lock on that key, in one transaction with the
package row (unique key), its leaf and its signed head; files go to a fresh attempt folder
under temporary names renamed into place, and leftovers of an attempt that died are removed
before the next one writes. The row is committed only after both copies verified.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import Storage
from django.db import connection, transaction
from django.utils import timezone

from accounts import roles
from catalog.selectors import current_rules
from core.errors import ApplicationError
from core.tenancy import db
from journal.archive import records as rec
from journal.archive import storage as st
from journal.archive.models import ArchiveLeaf, ArchivePackage
from journal.archive.tree import canonical, tree_append
from journal.structure.models import AcademicYear, ClassGroup, ReportingPeriod

logger = logging.getLogger(__name__)
GENERATOR = "edujournal-archive/1"
MANIFEST = "manifest.json"
PAPER_COPY_FILE = "paper-copy.pdf"
SUMMARY_FILE = "summary-progress-sheet.pdf"
PDF_VARIANT = "pdf/a-3b"  # ISO 19005-3 level B, WeasyPrint's: fonts embedded, XMP, sRGB intent
PATROL_DAYS = 28  # every package is checked at least once in this many nights


def package_key(*, class_group: ClassGroup, period: ReportingPeriod | None, kind: str) -> str:
    slot = f"period-{period.pk}" if period else f"year-{class_group.year_id}"
    return f"{db.schema_name}:class-{class_group.pk}:{slot}:{kind}"


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def archive_user() -> Any:
    """The archive renders as the director (who may read every class, ROLE-1)."""
    user = (
        get_user_model()
        .objects.filter(groups__name=roles.DIRECTOR, is_active=True)
        .order_by("id")
        .first()
    )
    if user is None:
        raise ApplicationError("В школе нет директора: архив формируется от его имени.")
    return user


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def package_files(
    *, class_group: ClassGroup, period: ReportingPeriod | None
) -> tuple[dict[str, bytes], dict[str, str]]:
    """The files of a package and which retention class each belongs to."""
    from journal.reports.registry import PAPER_COPY
    from journal.reports.services import render_file

    by = archive_user()
    year = class_group.year
    files: dict[str, bytes] = {}
    retention: dict[str, str] = {}
    if period is not None:
        _f, _p, content, _at, _ids = render_file(
            code=PAPER_COPY.code,
            data={"class_group": class_group.pk, "period": period.pk},
            fmt="pdf",
            for_user=by,
            pdf_variant=PDF_VARIANT,
        )
        files[PAPER_COPY_FILE] = content
        retention[PAPER_COPY_FILE] = "journal"
        start, end = period.starts_on, period.ends_on
    else:
        start, end = year.starts_on, year.ends_on
    _f, _p, content, _at, _ids = render_file(
        code="summary-progress-sheet",
        data={"class_group": class_group.pk, "academic_year": year.pk},
        fmt="pdf",
        for_user=by,
        pdf_variant=PDF_VARIANT,
    )
    files[SUMMARY_FILE] = content
    retention[SUMMARY_FILE] = "summary"
    records = rec.class_records(
        class_group=class_group, start=start, end=end, period_id=period.pk if period else None
    )
    kind_of_records = "journal" if period is not None else "summary"
    files["records.json"] = rec.records_json(records)
    retention["records.json"] = kind_of_records
    for name, content in rec.records_csv(records).items():
        files[name] = content
        retention[name] = kind_of_records
    return files, retention


@dataclass
class Problem:
    location: str
    file: str
    what: str

    def __str__(self) -> str:
        return f"{self.location}: {self.file} — {self.what}"


def copy_verify(package: ArchivePackage, location: str, storage: Storage) -> list[Problem]:
    """This copy against the package's leaf: manifest first, then each kept file."""
    problems: list[Problem] = []
    gone = set(package.deleted_files)
    if MANIFEST not in gone:
        manifest = st.read(storage, f"{package.folder}/{MANIFEST}")
        if manifest is None:
            problems.append(Problem(location, MANIFEST, "отсутствует"))
        elif sha256(manifest) != package.manifest_sha256 or len(manifest) != package.manifest_size:
            problems.append(Problem(location, MANIFEST, "изменён (SHA-256 не совпадает)"))
    for entry in package.files:
        name = entry["name"]
        if name in gone:
            continue
        found = st.digest(storage, f"{package.folder}/{name}")  # streamed, not read whole
        if found is None:
            problems.append(Problem(location, name, "отсутствует"))
        elif found != (entry["sha256"], entry["size"]):
            problems.append(Problem(location, name, "изменён (SHA-256 не совпадает)"))
    return problems


def package_verify(package: ArchivePackage) -> list[Problem]:
    """Both copies, and the package's leaf in the tree (its manifest's hash is in it)."""
    problems: list[Problem] = []
    leaf = ArchiveLeaf.objects.filter(index=package.leaf_index).first()
    data = json.loads(leaf.data) if leaf else {}
    if data.get("key") != package.key or data.get("manifest_sha256") != package.manifest_sha256:
        problems.append(Problem("дерево", f"лист {package.leaf_index}", "не соответствует пакету"))
    # A file counts as deleted only if a tombstone leaf of this package names it.
    buried: set[str] = set()
    for text in ArchiveLeaf.objects.filter(kind=ArchiveLeaf.Kind.TOMBSTONE).values_list(
        "data", flat=True
    ):
        tombstone = json.loads(text)
        if tombstone.get("key") == package.key:
            buried |= {f["name"] for f in tombstone.get("files", [])}
    for name in sorted(set(package.deleted_files) - buried):
        problems.append(Problem("дерево", name, "отмечен удалённым без записи об удалении"))
    for location, storage in st.locations():
        problems += copy_verify(package, location, storage)
    return problems


def _clear_attempts(prefix: str) -> None:
    for _location, storage in st.locations():
        st.remove_tree(storage, prefix)


def package_build(
    *, class_group: ClassGroup, period: ReportingPeriod | None, kind: str
) -> ArchivePackage:
    """Build, store twice, verify and record one package; the existing one if it is done."""
    key = package_key(class_group=class_group, period=period, kind=kind)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
        done = ArchivePackage.objects.filter(key=key).first()
        if done is not None:
            return done
        year = class_group.year
        slot = f"period-{period.pk}" if period else "year"
        prefix = f"{db.schema_name}/{year.title.replace('/', '-')}/class-{class_group.pk}/{slot}"
        _clear_attempts(prefix)  # leftovers of an attempt that died before its commit
        folder = f"{prefix}/{uuid.uuid4().hex[:12]}"
        files, retention = package_files(class_group=class_group, period=period)
        rules = current_rules()
        keep = {
            "journal": add_years(year.ends_on, rules.retention_journal_years),
            "summary": add_years(year.ends_on, rules.retention_summary_years),
        }
        entries = [
            {
                "name": name,
                "sha256": sha256(content),
                "size": len(content),
                "keep_until": keep[retention[name]].isoformat(),
            }
            for name, content in sorted(files.items())
        ]
        manifest_keep = max(keep[retention[n]] for n in files)
        tenant = getattr(connection, "tenant", None)
        manifest = {
            "school": {"schema": db.schema_name, "name": str(getattr(tenant, "name", ""))},
            "class": {"id": class_group.pk, "title": class_group.title},
            "year": {"id": year.pk, "title": year.title},
            "period": (
                {"id": period.pk, "title": period.title, "starts_on": period.starts_on.isoformat(),
                 "ends_on": period.ends_on.isoformat()}
                if period
                else None
            ),
            "kind": kind,
            "regulation_version": rules.version_id,
            "generator": GENERATOR,
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "keep_until": manifest_keep.isoformat(),
            "files": entries,
        }  # fmt: skip
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        for _location, storage in st.locations():
            for name, content in sorted(files.items()):
                st.write(storage, f"{folder}/{name}", content)
            st.write(storage, f"{folder}/{MANIFEST}", manifest_bytes)  # last: the package is whole
        pause = float(getattr(settings, "ARCHIVE_PAUSE_BEFORE_COMMIT_SECONDS", 0) or 0)
        if pause:  # fault injection for the tests only, unset in every real setting
            logger.warning("archive: files of %s written to %s; pausing %.1f s", key, folder, pause)
            time.sleep(pause)
        package = ArchivePackage(
            key=key,
            kind=kind,
            class_group=class_group,
            year=year,
            period=period,
            folder=folder,
            manifest_sha256=sha256(manifest_bytes),
            manifest_size=len(manifest_bytes),
            files=entries,
            manifest_keep_until=manifest_keep,
            leaf_index=0,
            checked_at=timezone.now(),
        )
        # ARC-4: archived only when both copies verify.
        for location, storage in st.locations():
            problems = copy_verify(package, location, storage)
            if problems:
                raise ApplicationError(f"Копия не прошла проверку: {problems[0]}")
        leaf, _head = tree_append(
            kind=ArchiveLeaf.Kind.PACKAGE,
            data={
                "type": "package",
                "key": key,
                "folder": folder,
                "manifest_sha256": package.manifest_sha256,
                "manifest_size": package.manifest_size,
            },
        )
        package.leaf_index = leaf.index
        package.save()
    return package


def period_classes(period: ReportingPeriod) -> list[ClassGroup]:
    return list(
        ClassGroup.objects.filter(
            year_id=period.year_id, grade__gte=period.grade_from, grade__lte=period.grade_to
        ).order_by("grade", "letter")
    )


def period_archive(*, period: ReportingPeriod, on: dt.date) -> list[ArchivePackage]:
    """One package per class of the period's grades; only once the period has ended."""
    if period.ends_on >= on:
        raise ApplicationError("Учебный период ещё не закончился: архивировать рано.")
    return [
        package_build(class_group=cls, period=period, kind=ArchivePackage.Kind.PERIOD)
        for cls in period_classes(period)
    ]


def year_archive(*, year: AcademicYear) -> list[ArchivePackage]:
    """ARC-6: the year's summary sheets and final marks, once the year is closed."""
    from journal.yearend.models import YearClosing

    if not YearClosing.objects.filter(year=year).exists():
        raise ApplicationError("Учебный год ещё не закрыт.")
    return [
        package_build(class_group=cls, period=None, kind=ArchivePackage.Kind.YEAR)
        for cls in ClassGroup.objects.filter(year=year).order_by("grade", "letter")
    ]


def archive_due(*, on: dt.date) -> list[ArchivePackage]:
    """What the nightly scan archives: every ended period and every closed year not yet
    archived (idempotent: a done package is only looked up)."""
    from journal.yearend.models import YearClosing

    done = set(ArchivePackage.objects.values_list("key", flat=True))
    built = []
    for period in ReportingPeriod.objects.filter(ends_on__lt=on).order_by("ends_on", "id"):
        for cls in period_classes(period):
            if package_key(class_group=cls, period=period, kind="period") not in done:
                built.append(package_build(class_group=cls, period=period, kind="period"))
    for closing in YearClosing.objects.select_related("year").order_by("id"):
        for cls in ClassGroup.objects.filter(year=closing.year).order_by("grade", "letter"):
            if package_key(class_group=cls, period=None, kind="year") not in done:
                built.append(package_build(class_group=cls, period=None, kind="year"))
    return built


# ------------------------------------------------------------------------------- patrol


@dataclass
class PatrolResult:
    checked: int = 0
    repaired: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)


def _alert(package: ArchivePackage, problems: list[Problem]) -> None:
    text = f"archive: both copies bad in {db.schema_name}: {package.key}: " + "; ".join(
        map(str, problems)
    )
    logger.error(text)
    try:
        import sentry_sdk

        sentry_sdk.capture_message(text, level="error")
    except ImportError:  # pragma: no cover
        pass


def package_repair(package: ArchivePackage) -> tuple[list[Problem], list[Problem]]:
    """Mend each bad file of a copy from a good copy; (repaired, unrepairable)."""
    where = st.locations()
    repaired: list[Problem] = []
    lost: list[Problem] = []
    problems = {loc: copy_verify(package, loc, storage) for loc, storage in where}
    good_bytes: dict[str, bytes] = {}
    for loc, storage in where:
        for entry in [*package.files, {"name": MANIFEST}]:
            name = entry["name"]
            if name in good_bytes or name in package.deleted_files:
                continue
            if not any(p.file == name for p in problems[loc]):
                data = st.read(storage, f"{package.folder}/{name}")
                if data is not None:
                    good_bytes[name] = data
    for loc, storage in where:
        for problem in problems[loc]:
            if problem.file in good_bytes:
                st.write(storage, f"{package.folder}/{problem.file}", good_bytes[problem.file])
                repaired.append(problem)
            else:
                lost.append(problem)
    return repaired, lost


def patrol_run(*, limit: int | None = None) -> PatrolResult:
    """Re-verify the packages checked longest ago (every one at least every PATROL_DAYS
    nights), repair a bad copy from the good one, alert when both are bad."""
    live = ArchivePackage.objects.exclude(state=ArchivePackage.State.DELETED)
    count = limit or max(1, math.ceil(live.count() / PATROL_DAYS))
    result = PatrolResult()
    for package in live.order_by("checked_at", "leaf_index")[:count]:
        repaired, lost = package_repair(package)
        result.checked += 1
        if lost:
            package.state = ArchivePackage.State.BROKEN
            result.broken.append(package.key)
            _alert(package, lost)
        elif repaired:
            package.state = ArchivePackage.State.REPAIRED
            result.repaired.append(package.key)
            logger.warning("archive: repaired %s: %s", package.key, "; ".join(map(str, repaired)))
        else:
            package.state = ArchivePackage.State.OK
        package.checked_at = timezone.now()
        package.check_report = [str(p) for p in [*repaired, *lost]]
        package.save(update_fields=["state", "checked_at", "check_report"])
    return result


# ------------------------------------------------------------------------------- retention


@dataclass
class Due:
    package: ArchivePackage
    files: list[str]


def retention_due(*, on: dt.date) -> list[Due]:
    """ARC-2: files past their keeping date (journals 5 years, summary sheets 25 by the
    adopted regulation), per package. Nothing is deleted here."""
    due = []
    for package in ArchivePackage.objects.exclude(state=ArchivePackage.State.DELETED):
        names = [
            e["name"]
            for e in package.files
            if e["name"] not in package.deleted_files
            and dt.date.fromisoformat(e["keep_until"]) <= on
        ]
        if package.manifest_keep_until <= on and MANIFEST not in package.deleted_files:
            names.append(MANIFEST)
        if names:
            due.append(Due(package, names))
    return due


@transaction.atomic
def retention_delete(*, package: ArchivePackage, on: dt.date, confirmed_by: str) -> ArchiveLeaf:
    """Delete what is due of a package from both copies, after an operator confirmed it,
    and leave a signed tombstone leaf naming what went and its hashes."""
    if not confirmed_by.strip():
        raise ApplicationError("Удаление по сроку хранения подтверждает оператор.")
    package = ArchivePackage.objects.select_for_update().get(pk=package.pk)
    due = next((d for d in retention_due(on=on) if d.package.pk == package.pk), None)
    if due is None:
        raise ApplicationError("Срок хранения этого пакета ещё не истёк.")
    hashes = {e["name"]: e["sha256"] for e in package.files}
    hashes[MANIFEST] = package.manifest_sha256
    leaf, _head = tree_append(
        kind=ArchiveLeaf.Kind.TOMBSTONE,
        data={
            "type": "tombstone",
            "key": package.key,
            "package_leaf": package.leaf_index,
            "files": [{"name": n, "sha256": hashes[n]} for n in due.files],
            "confirmed_by": confirmed_by,
            "on": on.isoformat(),
        },
    )
    folder, names = package.folder, list(due.files)

    def delete_files() -> None:  # after the tombstone is committed, never before
        for _location, storage in st.locations():
            for name in names:
                if storage.exists(f"{folder}/{name}"):
                    storage.delete(f"{folder}/{name}")

    transaction.on_commit(delete_files)
    package.deleted_files = [*package.deleted_files, *due.files]
    if MANIFEST in package.deleted_files:
        package.state = ArchivePackage.State.DELETED
        package.deleted_at = timezone.now()
    package.save(update_fields=["deleted_files", "state", "deleted_at"])
    return leaf


def manifest_of(package: ArchivePackage) -> dict[str, Any]:
    data = st.read(st.locations()[0][1], f"{package.folder}/{MANIFEST}") or b"{}"
    result: dict[str, Any] = json.loads(data)
    return result


__all__ = ["canonical"]


def package_zip(*, package: ArchivePackage, by: Any) -> bytes:
    """The package as one ZIP (its files and manifest), each file from a copy that verifies;
    logged as an export (ROLE-4). Fixed entry dates: the same package, the same bytes."""
    import io
    import zipfile

    from journal.audit.services import access_log

    where = st.locations()
    problems = {loc: {p.file for p in copy_verify(package, loc, storage)} for loc, storage in where}
    buffer = io.BytesIO()
    names = [e["name"] for e in package.files] + [MANIFEST]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            if name in package.deleted_files:
                continue
            source = next((s for loc, s in where if name not in problems[loc]), None)
            if source is None:
                raise ApplicationError(f"Файл «{name}» повреждён в обеих копиях.")
            data = st.read(source, f"{package.folder}/{name}") or b""
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    from journal.reports.sources import class_pupils

    span = package.period or package.year
    pupils = class_pupils(package.class_group, span.starts_on, span.ends_on)
    access_log(
        user=by,
        action="export",
        what="archive.package",
        pupil_ids=[p.id for p in pupils],
        details={"package": package.key},
    )
    return buffer.getvalue()
