"""The journal's hot paths: the grid (5×5 vs 30×60) and saving a column of marks (1 vs 30).

Run: DJANGO_SETTINGS_MODULE=config.settings.dev PYTHONPATH=.:platform \
     .venv/bin/python bench/journal.py [runs]
Creates a throwaway school `bench-journal-*` (cloned), measures through the API (APIClient,
no network), drops the school. Medians over `runs` (default 15); ratios from the same run.
Targets: grid_ratio ≤ 3, bulk_ratio ≤ 2. The last line is JSON for scripts.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform"), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

import _school  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from tests.factories import journal_fill  # noqa: E402
from tests.world import World, build_world  # noqa: E402


def median_ms(call: Callable[[], None], runs: int) -> float:
    call()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main(runs: int) -> dict[str, object]:
    school = _school.throwaway_school("journal", "Бенчмарк журнала")
    schema, host = school.schema, school.host
    try:
        with schema_context(schema):
            world: World = build_world(n_pupils=5)
            journal_fill(world, pupils=5, lessons=5)
        client = APIClient(HTTP_HOST=host)
        client.force_authenticate(world.users["teacher"])
        grid_url = (
            f"/api/v1/register/grid/?assignment_id={world.math5a.pk}&period_id={world.period.pk}"
        )

        def grid() -> None:
            response = client.get(grid_url)
            assert response.status_code == 200, response.content

        small = median_ms(grid, runs)
        with schema_context(schema):
            journal_fill(world, pupils=30, lessons=60)
        large = median_ms(grid, runs)

        marks_url = f"/api/v1/register/lessons/{world.lesson_today.pk}/marks/"
        one = {"marks": [{"pupil_id": world.pupils[0].pk, "value": 4, "work_kind": "oral"}]}
        thirty = {
            "marks": [{"pupil_id": p.pk, "value": 5, "work_kind": "oral"} for p in world.pupils]
        }

        def save(body: Any) -> None:
            response = client.post(marks_url, body, format="json")
            assert response.status_code == 201, response.content

        bulk1 = median_ms(lambda: save(one), runs)
        bulk30 = median_ms(lambda: save(thirty), runs)
    finally:
        _school.school_drop(school)
    return {
        "bench": "journal",
        "runs": runs,
        "grid_small_ms": round(small, 2),
        "grid_large_ms": round(large, 2),
        "grid_ratio": round(large / small, 2),
        "bulk_1_ms": round(bulk1, 2),
        "bulk_30_ms": round(bulk30, 2),
        "bulk_ratio": round(bulk30 / bulk1, 2),
    }


if __name__ == "__main__":
    result = main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
    print(
        f"grid 5 pupils x 5 lessons:   {result['grid_small_ms']} ms (median)\n"
        f"grid 30 pupils x 60 lessons: {result['grid_large_ms']} ms "
        f"(ratio {result['grid_ratio']}, target <= 3)\n"
        f"save 1 mark:   {result['bulk_1_ms']} ms\n"
        f"save 30 marks: {result['bulk_30_ms']} ms (ratio {result['bulk_ratio']}, target <= 2)"
    )
    print(json.dumps(result))
