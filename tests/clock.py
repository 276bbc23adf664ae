"""The suite's one clock: every test runs on a chosen school day, never on the real date.

The test settings (`config.settings.test`) start it before anything else runs, so
`timezone.now()`, `timezone.localdate()`, `time.time()` and `datetime.now()` all read it in
the test process, its live-server and Celery threads. It ticks from 10:00 Moscow time of
that day (a run takes minutes, and TOTP codes, session expiry and token lifetimes need a
moving clock), and it is handed to child processes (the OpenID Connect peer, a gunicorn or
a worker started by a test) through `TEST_CLOCK_OFFSET`, so every process of a run shares
the same "now".

`TEST_TODAY=YYYY-MM-DD` moves the clock: `make test-dates` runs the date-sensitive tests on
days across the school year (the first day, the winter holidays, after the last period,
the summer) to show that no fixture depends on where in the year "today" falls.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from zoneinfo import ZoneInfo

import time_machine

# A Wednesday of the 2nd quarter in the seeded calendar (2026/27).
DEFAULT_TODAY = dt.date(2026, 11, 18)
START_OF_DAY = dt.time(10, 0)
ZONE = ZoneInfo("Europe/Moscow")
OFFSET_VARIABLE = "TEST_CLOCK_OFFSET"
TODAY_VARIABLE = "TEST_TODAY"

_traveller: list[time_machine.travel] = []


def chosen_today() -> dt.date:
    """The day the run pretends it is: TEST_TODAY, or the default school day."""
    raw = os.environ.get(TODAY_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_TODAY
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise SystemExit(f"{TODAY_VARIABLE}={raw!r} is not a date (YYYY-MM-DD)") from exc


def start() -> None:
    """Freeze (ticking) the process's clock. Idempotent; child processes inherit the offset.

    A process whose parent already chose the clock (`TEST_CLOCK_OFFSET` set) keeps the
    parent's "now" instead of choosing again.
    """
    if _traveller:
        return
    inherited = os.environ.get(OFFSET_VARIABLE, "").strip()
    real_now = time.time()
    if inherited:
        destination = real_now + float(inherited)
    else:
        destination = dt.datetime.combine(chosen_today(), START_OF_DAY, tzinfo=ZONE).timestamp()
        os.environ[OFFSET_VARIABLE] = repr(destination - real_now)
    traveller = time_machine.travel(destination, tick=True)
    traveller.start()
    _traveller.append(traveller)


def on(day: dt.date, at: dt.time = START_OF_DAY) -> time_machine.travel:
    """`with clock.on(day):` - a test that needs a particular day (the last days of a
    period, a deadline) says so, instead of hoping the run's day is one."""
    return time_machine.travel(dt.datetime.combine(day, at, tzinfo=ZONE), tick=True)
