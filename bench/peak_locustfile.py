"""Locust user for bench/peak.py: the morning read mix, each response checked for its school.

PEAK_TARGETS names a JSON file written by bench/peak.py: a list of schools, each with its
host, slug, optionally the base URL of the web group it is pinned to, and, per page, the
path and the session cookie of the user who reads it.
PEAK_MAX_REQUESTS bounds the requests of one run (shared by the users of this process).
Only the pages' own HTML is fetched (the static files are the same for every school).
"""

from __future__ import annotations

import json
import os
import random
import re

from locust import FastHttpUser, task
from locust.exception import StopUser

SLUG = re.compile(r"synth\d{4}")
TARGETS = json.loads(open(os.environ["PEAK_TARGETS"], encoding="utf-8").read())
MAX_REQUESTS = int(os.environ.get("PEAK_MAX_REQUESTS", "0") or 0)
# The morning: parents open the diary most; teachers their day, a journal, the start page.
WEIGHTS = {"diary": 4, "today": 2, "grid": 2, "start": 2}
PAGES = [page for page, weight in WEIGHTS.items() for _ in range(weight)]
ONLY = os.environ.get("PEAK_ONLY")  # one page name only (the tenancy-overhead runs)
sent = 0


class MorningUser(FastHttpUser):
    @task
    def read(self) -> None:
        global sent
        if MAX_REQUESTS and sent >= MAX_REQUESTS:
            raise StopUser()
        sent += 1
        school = random.choice(TARGETS)
        page = ONLY or random.choice(PAGES)
        path, cookie = school["pages"][page]
        headers = {"Host": school["host"]}
        if cookie:
            headers["Cookie"] = f"sessionid={cookie}"
        # With school affinity (bench/peak.py --groups) each school has its own web group.
        url = school.get("base", "") + path
        with self.client.get(url, headers=headers, name=page, catch_response=True) as resp:
            if resp.status_code != 200:
                resp.failure(f"status {resp.status_code}")
                return
            if not school["marker"]:
                resp.success()
                return
            text = resp.text or ""
            seen = set(SLUG.findall(text))
            if seen - {school["slug"]}:
                resp.failure("FOREIGN school data in the response")
            elif school["slug"] not in seen:
                resp.failure("school marker missing")
            else:
                resp.success()
