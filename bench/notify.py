"""Notification digests (issue #16, COM-2): a 1,000-pupil school with 300 events in a day.

Run: DJANGO_SETTINGS_MODULE=config.settings.dev PYTHONPATH=.:platform \
     .venv/bin/python bench/notify.py [runs]
Creates a throwaway school `bench-notify-*` (cloned), 1,000 pupils with one parent each
(consent to e-mail given), 300 events of the day (a «2» or an «Н»; some pupils two), and
measures: finding the day's recipients (`digest_recipients`), and building and sending
every parent's digest (`digest_deliver`, Django's in-memory mail backend: the SMTP server's
own time is not ours to measure). Queries per recipient must not depend on how many events
the digest carries (ratio of the most to the fewest = 1). Medians over `runs` (default 3)
for the recipients; each round is another day with fresh events. Last line: JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform"), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

import _school  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

PUPILS = 1000
EVENTS = 300


def populate(schema: str) -> list[int]:
    """Pupils, parents, links, consents and e-mail consents, written in bulk; the parents'
    user ids."""
    from accounts.models import User
    from journal.messaging.models import NotificationPreference
    from journal.roster.models import Consent, Guardian, GuardianLink, Pupil
    from tests.world import build_world

    with schema_context(schema):
        world = build_world(n_pupils=1)
        boss = world.users["director"]
        users = User.objects.bulk_create(
            [
                User(username=f"bp{i}", last_name=f"Ученик{i:04d}", first_name="Иван")
                for i in range(PUPILS)
            ]
            + [
                User(
                    username=f"bg{i}",
                    last_name=f"Родитель{i:04d}",
                    first_name="Анна",
                    email=f"parent{i}@example.test",
                )
                for i in range(PUPILS)
            ]
        )
        pupils = Pupil.objects.bulk_create(
            [Pupil(user=u, class_group=world.class5a) for u in users[:PUPILS]]
        )
        guardians = Guardian.objects.bulk_create([Guardian(user=u) for u in users[PUPILS:]])
        GuardianLink.objects.bulk_create(
            [
                GuardianLink(guardian=g, pupil=p, relation="mother")
                for g, p in zip(guardians, pupils, strict=True)
            ]
        )
        Consent.objects.bulk_create(
            [
                Consent(pupil=p, signed_on=world.today, recorded_by=boss, scan_reference="b")
                for p in pupils
            ]
        )
        now = timezone.now()
        NotificationPreference.objects.bulk_create(
            [NotificationPreference(user=u, email_consent_at=now) for u in users[PUPILS:]]
        )
        return [p.pk for p in pupils]


def events(schema: str, pupil_ids: list[int], day: dt.date, round_no: int) -> None:
    """300 events of the day: 250 pupils one each, 50 of them a second one."""
    from journal.messaging.models import NotificationEvent

    rows = []
    for i in range(EVENTS):
        pupil = pupil_ids[i % 250]
        kind = "bad_mark" if i % 2 else "unexcused_absence"
        rows.append(
            NotificationEvent(
                kind=kind,
                pupil_id=pupil,
                occurred_on=day,
                text=f"Событие {i}",
                source=f"bench:{round_no}:{i}",
            )
        )
    with schema_context(schema):
        NotificationEvent.objects.bulk_create(rows)


def main(runs: int) -> dict[str, Any]:
    from journal.messaging.models import Delivery
    from journal.messaging.notifications import digest_deliver, digest_recipients

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    school = _school.throwaway_school("notify", "Бенчмарк уведомлений")
    schema = school.schema
    recipients_ms: list[float] = []
    deliver_ms: list[float] = []
    per_recipient: dict[int, set[int]] = {}  # events carried -> queries seen
    try:
        pupil_ids = populate(schema)
        for round_no in range(runs):
            # Each round is the next day: its own events, its own digests.
            day = timezone.localdate() + dt.timedelta(days=round_no)
            events(schema, pupil_ids, day, round_no)
            with schema_context(schema):
                start = time.perf_counter()
                wanted = digest_recipients(day=day)
                recipients_ms.append((time.perf_counter() - start) * 1000)
                assert len(wanted) == 250, len(wanted)
                start = time.perf_counter()
                for rid in wanted:
                    with CaptureQueriesContext(connection) as ctx:
                        carried = digest_deliver(recipient_id=rid, day=day)
                    per_recipient.setdefault(carried, set()).add(len(ctx.captured_queries))
                deliver_ms.append((time.perf_counter() - start) * 1000)
                assert Delivery.objects.count() == EVENTS * (round_no + 1)
    finally:
        _school.school_drop(school)
    seen = sorted(q for qs in per_recipient.values() for q in qs)
    deliver = statistics.median(deliver_ms)
    return {
        "bench": "notify",
        "runs": runs,
        "pupils": PUPILS,
        "events": EVENTS,
        "recipients": 250,
        "recipients_ms": round(statistics.median(recipients_ms), 2),
        "deliver_all_ms": round(deliver, 2),
        "deliver_per_recipient_ms": round(deliver / 250, 3),
        "queries_per_recipient_min": seen[0],
        "queries_per_recipient_max": seen[-1],
        "queries_ratio": round(seen[-1] / seen[0], 2),
        "events_per_digest": sorted(per_recipient),
    }


if __name__ == "__main__":
    result = main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
    print(
        f"{PUPILS} pupils, {EVENTS} events, 250 parents to tell\n"
        f"find the day's recipients: {result['recipients_ms']} ms (median)\n"
        f"build and send 250 digests: {result['deliver_all_ms']} ms "
        f"({result['deliver_per_recipient_ms']} ms each)\n"
        f"queries per recipient: {result['queries_per_recipient_min']}.."
        f"{result['queries_per_recipient_max']} (ratio {result['queries_ratio']}, target 1)"
    )
    print(json.dumps(result))
