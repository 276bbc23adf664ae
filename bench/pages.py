"""The school's pages: the journal grid (5×5 vs 30×60), the diary and the control view.

Run: DJANGO_SETTINGS_MODULE=config.settings.dev PYTHONPATH=.:platform \
     .venv/bin/python bench/pages.py [runs]
Creates a throwaway school `bench-pages-*` (cloned), renders the pages in-process (Django's
test client, no network), drops the school. Prints server times (medians over `runs`,
default 11), query counts, and transfer sizes: HTML, and HTML + CSS + JS the page loads,
gzip-compressed (level 6, as nginx/whitenoise would serve them). Target: the 30×60 grid page
under 150 KB compressed. The last line is JSON for scripts (grid_page_kb).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform"), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

import _school  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from tests.factories import journal_fill  # noqa: E402
from tests.web.conftest import learner_backend  # noqa: E402
from tests.world import World, build_world  # noqa: E402

ASSET_RE = re.compile(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"')


def kb(data: bytes) -> float:
    return round(len(gzip.compress(data, compresslevel=6)) / 1024, 1)


def measure(client: Client, path: str, runs: int) -> dict[str, float]:
    """Median server time, queries of a warm request, HTML size, and HTML+assets gzip size."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        response = client.get(path)
    html = response.content
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
    page_kb = kb(html) + sum(
        kb(Path(str(finders.find(a.removeprefix(settings.STATIC_URL)))).read_bytes())
        for a in ASSET_RE.findall(html.decode())
        if finders.find(a.removeprefix(settings.STATIC_URL))
    )
    return {
        "ms": round(statistics.median(samples), 2),
        "queries": count[0],
        "html_kb_raw": round(len(html) / 1024, 1),
        "html_kb": kb(html),
        "page_kb": round(page_kb, 1),
    }


def main(runs: int) -> dict[str, object]:
    school = _school.throwaway_school("pages", "Бенчмарк страниц")
    schema, host = school.schema, school.host
    results: dict[str, dict[str, float]] = {}
    try:
        with schema_context(schema):
            world: World = build_world(n_pupils=5)
            journal_fill(world, pupils=5, lessons=5)
        clients: dict[str, Client] = {}
        for persona in ("teacher", "parent", "deputy"):
            client = Client(HTTP_HOST=host)
            with schema_context(schema):
                user = world.users[persona]
                client.force_login(user, backend=learner_backend(user))
            clients[persona] = client
        pages: dict[str, tuple[str, str]] = {
            "grid": ("teacher", f"/journals/{world.math5a.pk}/"),
            "diary": ("parent", "/diary/"),
            "control": ("deputy", "/control/?from=" + world.period.starts_on.isoformat()),
        }

        def run_all(label: str) -> None:
            for name, (persona, path) in pages.items():
                results[f"{name}_{label}"] = measure(clients[persona], path, runs)

        run_all("small")
        with schema_context(schema):
            journal_fill(world, pupils=30, lessons=60)
        run_all("large")
    finally:
        _school.school_drop(school)
    summary: dict[str, object] = {"bench": "pages", "runs": runs}
    for key, figures in results.items():
        for figure, value in figures.items():
            summary[f"{key}_{figure}"] = value
    summary["grid_page_kb"] = results["grid_large"]["page_kb"]
    summary["grid_ratio"] = round(results["grid_large"]["ms"] / results["grid_small"]["ms"], 2)
    summary["queries_constant"] = all(
        results[f"{n}_small"]["queries"] == results[f"{n}_large"]["queries"] for n in pages
    )
    return summary


if __name__ == "__main__":
    result = main(int(sys.argv[1]) if len(sys.argv) > 1 else 11)
    for name in ("grid", "diary", "control"):
        for label, title in (
            ("small", "5 pupils x 5 lessons"),
            ("large", "30 pupils x 60 lessons"),
        ):
            key = f"{name}_{label}"
            print(
                f"{name:8} {title:24} {result[f'{key}_ms']:8} ms  "
                f"{result[f'{key}_queries']:3} queries  HTML {result[f'{key}_html_kb_raw']} KB "
                f"({result[f'{key}_html_kb']} KB gz), page+assets {result[f'{key}_page_kb']} KB gz"
            )
    print(
        f"grid page 30x60, HTML+CSS+JS compressed: {result['grid_page_kb']} KB (target < 150); "
        f"query counts constant: {result['queries_constant']}"
    )
    print(json.dumps(result))
