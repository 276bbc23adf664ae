"""Reports on a large school (issue #12): the whole school's summary progress sheet as HTML,
PDF and XLSX, and one class's paper copy of the journal (REP-1, REP-3, REP-5).

Run: DJANGO_SETTINGS_MODULE=config.settings.dev PYTHONPATH=.:platform \
     .venv/bin/python bench/reports.py [runs] [pupils_per_class]
Creates a throwaway school `bench-reports-*` (cloned): 40 classes (grades 2–11, four each),
15 subjects taught in every class, 25 pupils a class (1,000 pupils), the first quarter of
lessons (3 a week per subject), marks in a third of the cells, absences in a
fourteenth, a period mark per pupil and subject. Measures through the selectors and
renderers the pages and the jobs call (no HTTP): wall time, SQL queries and peak Python
memory (tracemalloc, in a separate pass so that it does not slow the timed one), and the
process's CPU time (the machine is shared: wall time counts other processes' turns too). The
summary sheet is per class (its form's parameter); "whole school" is the 40 classes, as
the background job makes them. HTML: median over `runs`; PDF and XLSX: one pass (the PDF
pass alone takes a minute). Targets: whole-school summary HTML ≤ 2 s, one class's paper
copy PDF ≤ 10 s. Drops the school at the end. The last line is JSON for scripts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform"), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

import _school  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from tests.world import World, build_world  # noqa: E402


def build_school(world: World, per_class: int) -> dict[str, Any]:
    """The large school inside the bench school's schema; returns what the bench reads."""
    from journal.register.models import Lesson, PeriodMark
    from journal.structure.models import TeachingAssignment

    frame = _school.large_school(world, per_class)
    classes, assignments, pupils, periods = (
        frame.classes, frame.assignments, frame.pupils, frame.periods,
    )  # fmt: skip

    def first_period(grade: int) -> Any:
        return next(p for p in periods if p.grade_from <= grade <= p.grade_to)

    quarter = first_period(5)
    days = [
        quarter.starts_on + dt.timedelta(days=i)
        for i in range((quarter.ends_on - quarter.starts_on).days + 1)
        if (quarter.starts_on + dt.timedelta(days=i)).weekday() < 5
    ]
    lessons = Lesson.objects.bulk_create(
        Lesson(
            assignment=a,
            date=day,
            slot=1 + (k % 7),
            topic=f"Тема {n + 1}",
            homework=f"§ {n + 1}",
        )
        for k, a in enumerate(assignments)
        # three of the week's five days, a different three per subject
        for n, day in enumerate(d for d in days if (d.weekday() + k) % 5 < _school.LESSONS_PER_WEEK)
    )
    class_of = {a.pk: a.class_group_id for a in assignments}
    entered_by = world.users["teacher"]
    marks, absences = _school.marks_and_absences(
        world, lessons, class_of, pupils, mark_every=3, absence_every=14
    )
    PeriodMark.objects.bulk_create(
        (
            PeriodMark(
                pupil=p,
                assignment=a,
                period=first_period(a.class_group.grade),
                kind="period",
                value=str(3 + (p.pk + a.pk) % 3),
                entered_by=entered_by,
            )
            for a in TeachingAssignment.objects.filter(
                pk__in=[a.pk for a in assignments]
            ).select_related("class_group")
            for p in pupils[a.class_group_id]
        ),
        batch_size=5000,
    )
    return {
        "classes": classes,
        "quarter": quarter,
        "pupils": sum(len(v) for v in pupils.values()),
        "lessons": len(lessons),
        "marks": marks,
        "absences": absences,
    }


CPU: dict[str, float] = {}


def measured(call: Callable[[], Any], name: str = "") -> tuple[float, int]:
    """Wall time and SQL queries; the process's CPU time goes to CPU[name] (on a shared
    machine the wall time also counts other processes' turns on the cores)."""
    with CaptureQueriesContext(connection) as queries:
        start, cpu = time.perf_counter(), time.process_time()
        call()
        elapsed = time.perf_counter() - start
    if name:
        CPU[name] = round(time.process_time() - cpu, 2)
    return elapsed, len(queries.captured_queries)


def peak_mb(call: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return round(peak / 2**20, 1)


def main(runs: int, per_class: int) -> dict[str, Any]:
    from journal.reports import paper_copy as pc
    from journal.reports.render import html_table
    from journal.reports.selectors import form_def, report_run
    from journal.reports.services import render_file

    school = _school.throwaway_school("reports", "Бенчмарк отчётов")
    schema = school.schema
    out: dict[str, Any] = {"bench": "reports", "runs": runs}
    try:
        with schema_context(schema):
            start = time.perf_counter()
            world = build_world(n_pupils=5)
            built = build_school(world, per_class)
            out["build_s"] = round(time.perf_counter() - start, 1)
            for key in ("pupils", "lessons", "marks", "absences"):
                out[key] = built[key]
            out["classes"] = len(built["classes"])
            deputy = world.users["deputy"]
            form = form_def("summary-progress-sheet")
            names = {p["type"]: p["name"] for p in form.parameters}
            queries = [
                {names["class_group"]: c.pk, names["academic_year"]: world.year.pk}
                for c in built["classes"]
            ]

            def school_html() -> None:
                for data in queries:
                    run = report_run(
                        code="summary-progress-sheet", data=data, for_user=deputy, log=False
                    )
                    assert run.table is not None and run.table.rows
                    html_table(run.table)

            def school_file(fmt: str) -> Callable[[], None]:
                def make() -> None:
                    for data in queries:
                        content = render_file(
                            code="summary-progress-sheet", data=data, fmt=fmt, for_user=deputy
                        )[2]
                        assert content

                return make

            five = next(c for c in built["classes"] if c.grade == 5)
            copy_data = {"class_group": five.pk, "period": built["quarter"].pk}

            def paper_copy() -> None:
                copy = pc.paper_copy(data=copy_data, for_user=deputy)
                assert len(copy.sections) == len(_school.SUBJECTS)
                out["paper_copy_bytes"] = len(pc.paper_copy_pdf(copy))

            school_html()  # warm-up (templates, fonts are loaded by the PDF pass)
            samples = [measured(school_html, "summary_html") for _ in range(runs)]
            out["summary_html_s"] = round(statistics.median(s for s, _ in samples), 3)
            out["summary_html_queries"] = samples[0][1]
            out["summary_html_peak_mb"] = peak_mb(school_html)
            for fmt in ("xlsx", "pdf"):
                seconds, count = measured(school_file(fmt), f"summary_{fmt}")
                out[f"summary_{fmt}_s"] = round(seconds, 2)
                out[f"summary_{fmt}_queries"] = count
            out["summary_xlsx_peak_mb"] = peak_mb(school_file("xlsx"))
            seconds, count = measured(paper_copy, "paper_copy_pdf")
            out["paper_copy_pdf_s"] = round(seconds, 2)
            out["paper_copy_queries"] = count
            out["paper_copy_peak_mb"] = peak_mb(paper_copy)
    finally:
        _school.school_drop(school)
    out.update({f"{k}_cpu_s": v for k, v in CPU.items()})
    out["load_average"] = round(os.getloadavg()[0], 2)
    out["summary_html_target_s"] = 2.0
    out["paper_copy_pdf_target_s"] = 10.0
    out["targets_met"] = out["summary_html_s"] <= 2.0 and out["paper_copy_pdf_s"] <= 10.0
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", type=int, nargs="?", default=3, help="HTML passes (median)")
    parser.add_argument("pupils_per_class", type=int, nargs="?", default=25)
    args = parser.parse_args()
    result = main(args.runs, args.pupils_per_class)
    print(
        f"school: {result['classes']} classes, {result['pupils']} pupils, "
        f"{result['lessons']} lessons, {result['marks']} marks, {result['absences']} absences "
        f"(built in {result['build_s']} s)\n"
        f"summary sheet, whole school, HTML: {result['summary_html_s']} s (median), "
        f"{result['summary_html_queries']} queries, peak {result['summary_html_peak_mb']} MB "
        f"(target <= 2 s)\n"
        f"summary sheet, whole school, XLSX: {result['summary_xlsx_s']} s, "
        f"{result['summary_xlsx_queries']} queries, peak {result['summary_xlsx_peak_mb']} MB\n"
        f"summary sheet, whole school, PDF:  {result['summary_pdf_s']} s, "
        f"{result['summary_pdf_queries']} queries\n"
        f"paper copy, one class (15 subjects), PDF: {result['paper_copy_pdf_s']} s, "
        f"{result['paper_copy_queries']} queries, peak {result['paper_copy_peak_mb']} MB "
        f"(target <= 10 s)\n"
        f"CPU seconds of this process: "
        + ", ".join(f"{k} {v}" for k, v in result.items() if k.endswith("_cpu_s"))
        + f"; load average at the end {result['load_average']} (2 cores)"
    )
    print(json.dumps(result, ensure_ascii=False))
