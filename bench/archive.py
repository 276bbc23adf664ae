"""The archive of one school year of a 1,000-pupil school (issue #14, ARC-1…4).

Run: DATABASE_URL=postgresql://…/edujournal_archive_bench \
     DJANGO_SETTINGS_MODULE=config.settings.dev PYTHONPATH=.:platform \
     .venv/bin/python bench/archive.py [per_class] [mark_every] [sample]
(a database of its own, migrated with `manage.py platform_migrate`; never the test database).
Creates a throwaway school `bench-archive-*` (cloned): 40 classes (grades 2–11, four each),
15 subjects in every class, 25 pupils a class (1,000 pupils), three lessons a week per
subject over the whole year's periods, a mark in every `mark_every`-th cell (default 8:
about 200,000 marks), an absence in a twentieth, a period mark per pupil, subject and
period. Then closes the year and archives it as the nightly scan does (`package_build` per
class and period, and per class for the year: PDF/A paper copies and summary sheets,
JSON/CSV records, manifest, two filesystem locations, a signed head per package), and
verifies (`package_verify` of both copies of every package, `tree_verify` of the school's
tree against its published heads).

`sample` (default 1 = every class): archive every `sample`-th class of the 40 (all of its
period and year packages) and extrapolate the whole school's archive time linearly by the
number of packages (each package is built alone: a class's paper copy and sheets read that
class's rows only; its cost does not depend on how many came before, tree append aside).
On the shared 2-core machine a whole year (≈ 200 packages, WeasyPrint-bound) takes over an
hour of wall time, so the recorded run used sample 4 (one class of each grade).

Archive and verification each run in a forked child process, so that each one's peak memory
is its own: `ru_maxrss` of the child (resident set, what the machine has to have) and
Python's tracemalloc peak is not used (it would slow WeasyPrint several times). Wall and
CPU seconds of each. Target: verification ≤ 0.5 × archive time. The Merkle tree at 10,000
leaves (proof sizes, verification times) comes from bench/archive_tree.py. The school and
its files are removed at the end. The last line is JSON for scripts.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import resource
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform"), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
FILES = Path(tempfile.mkdtemp(prefix="bench-archive-"))
os.environ["ARCHIVE_PRIMARY_ROOT"] = str(FILES / "primary")
os.environ["ARCHIVE_SECONDARY_ROOT"] = str(FILES / "secondary")
os.environ["ARCHIVE_PRIMARY_S3_BUCKET"] = os.environ["ARCHIVE_SECONDARY_S3_BUCKET"] = ""
os.environ["ARCHIVE_SIGNING_KEY"] = base64.b64encode(secrets.token_bytes(32)).decode()

import django  # noqa: E402

django.setup()

import _school  # noqa: E402
from django.db import connection  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from core.tenancy import db  # noqa: E402
from tests.world import World, build_world  # noqa: E402


def build_school(world: World, per_class: int, mark_every: int) -> dict[str, Any]:
    """The large school's year inside the bench school's schema."""
    from journal.register.models import Lesson, PeriodMark

    frame = _school.large_school(world, per_class)
    classes, assignments, pupils, periods = (
        frame.classes, frame.assignments, frame.pupils, frame.periods,
    )  # fmt: skip

    def periods_of(grade: int) -> list[Any]:
        return [p for p in periods if p.grade_from <= grade <= p.grade_to]

    def school_days(period: Any) -> list[dt.date]:
        span = (period.ends_on - period.starts_on).days + 1
        days = (period.starts_on + dt.timedelta(days=i) for i in range(span))
        return [d for d in days if d.weekday() < 5]

    days_of = {p.pk: school_days(p) for p in periods}
    by_class = {c.pk: c for c in classes}
    lessons = Lesson.objects.bulk_create(
        (
            Lesson(
                assignment=a,
                date=day,
                slot=1 + (k % 7),
                topic=f"Тема {n + 1}",
                homework=f"§ {n + 1}",
            )
            for k, a in enumerate(assignments)
            for period in periods_of(by_class[a.class_group_id].grade)
            for n, day in enumerate(
                d for d in days_of[period.pk] if (d.weekday() + k) % 5 < _school.LESSONS_PER_WEEK
            )
        ),
        batch_size=5000,
    )
    class_of = {a.pk: a.class_group_id for a in assignments}
    entered_by = world.users["teacher"]
    marks, absences = _school.marks_and_absences(
        world, lessons, class_of, pupils, mark_every=mark_every, absence_every=20
    )
    PeriodMark.objects.bulk_create(
        (
            PeriodMark(
                pupil=p,
                assignment=a,
                period=period,
                kind="period",
                value=str(3 + (p.pk + a.pk + period.pk) % 3),
                entered_by=entered_by,
            )
            for a in assignments
            for period in periods_of(by_class[a.class_group_id].grade)
            for p in pupils[a.class_group_id]
        ),
        batch_size=5000,
    )
    return {
        "classes": len(classes),
        "pupils": sum(len(v) for v in pupils.values()),
        "lessons": len(lessons),
        "marks": marks,
        "absences": absences,
    }


def in_child(work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run `work` in a forked process; its figures plus its wall/CPU time and peak RSS."""
    connection.close()  # the child opens its own connection
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        code = 0
        try:
            started, cpu = time.perf_counter(), time.process_time()
            figures = work()
            figures["wall_s"] = round(time.perf_counter() - started, 2)
            figures["cpu_s"] = round(time.process_time() - cpu, 2)
            figures["peak_rss_mb"] = round(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
            )
        except BaseException as exc:  # reported to the parent
            figures, code = {"error": f"{type(exc).__name__}: {exc}"}, 1
        with os.fdopen(write_end, "w") as out:
            out.write(json.dumps(figures))
        os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end) as source:
        data = source.read()
    os.waitpid(pid, 0)
    result: dict[str, Any] = json.loads(data)
    if "error" in result:
        raise RuntimeError(result["error"])
    return result


def main(per_class: int, mark_every: int, sample: int) -> dict[str, Any]:
    import archive_tree

    school = _school.throwaway_school("archive", "Бенчмарк архива")
    schema = school.schema
    out: dict[str, Any] = {"bench": "archive"}
    try:
        with schema_context(schema):
            start = time.perf_counter()
            world = build_world(n_pupils=5)
            out.update(build_school(world, per_class, mark_every))
            out["build_s"] = round(time.perf_counter() - start, 1)
            from journal.yearend.models import YearClosing

            year = world.year
            YearClosing.objects.create(
                year=year,
                order_number="бенч-1",
                order_date=year.ends_on,
                closed_by=world.users["director"],
            )

        def archive() -> dict[str, Any]:
            from journal.archive.services import package_build, period_classes
            from journal.structure.models import ClassGroup, ReportingPeriod

            built = []
            with schema_context(schema):
                every = list(ClassGroup.objects.filter(year=year).order_by("grade", "letter"))
                chosen = {c.pk for c in every[::sample]}
                periods = ReportingPeriod.objects.filter(year=year).order_by("ends_on", "id")
                total = sum(len(period_classes(p)) for p in periods) + len(every)
                for period in periods:
                    for cls in period_classes(period):
                        if cls.pk in chosen:
                            built.append(
                                package_build(class_group=cls, period=period, kind="period")
                            )
                for cls in every:
                    if cls.pk in chosen:
                        built.append(package_build(class_group=cls, period=None, kind="year"))
            return {
                "packages": len(built),
                "school_packages": total,
                "classes_archived": len(chosen),
                "files": sum(len(p.files) + 1 for p in built),
                "bytes_per_copy": sum(
                    sum(e["size"] for e in p.files) + p.manifest_size for p in built
                ),
            }

        def verify() -> dict[str, Any]:
            from journal.archive.models import ArchivePackage
            from journal.archive.services import package_verify
            from journal.archive.tree import tree_verify

            with schema_context(schema):
                problems = sum(len(package_verify(p)) for p in ArchivePackage.objects.all())
                report = tree_verify()
            return {"problems": problems, "tree_ok": report.ok}

        print("archiving the year …", flush=True)
        out["archive"] = in_child(archive)
        print(f"archive: {out['archive']}", flush=True)
        out["verify"] = in_child(verify)
        print(f"verify: {out['verify']}", flush=True)
    finally:
        db.set_schema_to_public()
        from archive_heads.models import PublishedTreeHead

        PublishedTreeHead.objects.filter(school=schema).delete()
        _school.school_drop(school)
        shutil.rmtree(FILES, ignore_errors=True)
    a = out["archive"]
    a["seconds_per_package"] = round(a["wall_s"] / a["packages"], 2)
    a["school_year_wall_s_extrapolated"] = round(a["seconds_per_package"] * a["school_packages"])
    a["school_year_cpu_s_extrapolated"] = round(a["cpu_s"] / a["packages"] * a["school_packages"])
    tree = archive_tree.main(7)
    out["tree_10k"] = {k: v for k, v in tree.items() if k != "bench"}
    out["verify_to_archive_ratio"] = round(out["verify"]["wall_s"] / out["archive"]["wall_s"], 4)
    out["verify_target_ratio"] = 0.5
    out["targets_met"] = (
        out["verify_to_archive_ratio"] <= 0.5
        and out["verify"]["problems"] == 0
        and out["verify"]["tree_ok"]
    )
    out["load_average"] = round(os.getloadavg()[0], 2)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("per_class", type=int, nargs="?", default=25, help="pupils a class")
    parser.add_argument("mark_every", type=int, nargs="?", default=8, help="a mark every N cells")
    parser.add_argument("sample", type=int, nargs="?", default=1, help="archive every N-th class")
    args = parser.parse_args()
    result = main(args.per_class, args.mark_every, args.sample)
    a, v = result["archive"], result["verify"]
    print(
        f"school: {result['classes']} classes, {result['pupils']} pupils, {result['lessons']} "
        f"lessons, {result['marks']} marks, {result['absences']} absences "
        f"(built in {result['build_s']} s)\n"
        f"archive: {a['packages']} of the school's {a['school_packages']} packages "
        f"({a['classes_archived']} classes), {a['files']} files, "
        f"{a['bytes_per_copy'] / 2**20:.1f} MB per copy: {a['wall_s']} s wall, {a['cpu_s']} s "
        f"CPU, peak RSS {a['peak_rss_mb']} MB; {a['seconds_per_package']} s a package, the "
        f"whole year ≈ {a['school_year_wall_s_extrapolated']} s wall "
        f"({a['school_year_cpu_s_extrapolated']} s CPU)\n"
        f"verify (both copies, every file, the tree): {v['wall_s']} s wall, {v['cpu_s']} s CPU, "
        f"peak RSS {v['peak_rss_mb']} MB, problems {v['problems']}; ratio "
        f"{result['verify_to_archive_ratio']} (target <= 0.5)\n"
        f"tree at 10,000 leaves: inclusion proof {result['tree_10k']['inclusion_proof_hashes']} "
        f"hashes, consistency proof {result['tree_10k'].get('consistency_proof_hashes')} hashes; "
        f"load average {result['load_average']} (2 cores)"
    )
    print(json.dumps(result, ensure_ascii=False))
