"""#17, TEN-2: platform_migrate at many schools: a cheap no-op, only schools behind are
migrated, in parallel, and a run that was killed or hit a failing school is finished by
the next run. Real processes against the test database (committed schools)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from tenants.schema_state import disk_migrations, school_schemas, schools_behind

REPO = Path(__file__).resolve().parents[2]
PREFIX = "mig"
SCHOOLS = ["mig0001", "mig0002", "mig0003"]
# A leaf migration (nothing depends on it) that is harmless to apply again (it widens
# columns to bigint, a no-op on bigint): deleting its row makes a school "behind" by one.
PLANTED = ("accounts", "0004_third_party_keys_bigint")


@pytest.fixture(scope="module")
def mig_schools(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[str]]:
    from demo.synth import municipality_synth, municipality_synth_drop

    with django_db_blocker.unblock():
        municipality_synth_drop(prefix=PREFIX)
        municipality_synth(schools=len(SCHOOLS), prefix=PREFIX, pupils=4)
    yield SCHOOLS
    with django_db_blocker.unblock():
        connection.close()
        municipality_synth_drop(prefix=PREFIX)


def _plant(schemas: list[str]) -> None:
    """Commit: each schema lacks PLANTED (outside any test transaction)."""
    with connection.cursor() as cursor:
        for schema in schemas:
            cursor.execute(
                f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s',  # noqa: S608
                list(PLANTED),
            )


def _behind() -> dict[str, int]:
    return schools_behind(schemas=school_schemas(), target=disk_migrations(tenant=True))


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=f"{REPO}:{REPO}/platform",
        DJANGO_SETTINGS_MODULE="tests.reliability.proc_settings",
        EDUJOURNAL_TEST_DB=str(connection.settings_dict["NAME"]),
        REDIS_URL=settings.REDIS_URL,
    )
    return env


def _command(*args: str) -> list[str]:
    return [sys.executable, "platform/manage.py", "platform_migrate", "--skip-checks", *args]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _command(*args), cwd=REPO, env=_env(), capture_output=True, text=True, timeout=300
    )


def test_schools_behind_finds_a_school_missing_one_row_and_nothing_else(
    db: None, mig_schools: list[str]
) -> None:
    assert _behind() == {}
    with connection.cursor() as cursor:  # inside the test's transaction, rolled back
        cursor.execute(
            'DELETE FROM "mig0002".django_migrations WHERE app = %s AND name = %s', list(PLANTED)
        )
    assert _behind() == {"mig0002": 1}


def test_schools_behind_counts_a_schema_without_migrations_table_as_all_missing(
    db: None, mig_schools: list[str]
) -> None:
    with connection.cursor() as cursor:
        cursor.execute('DROP TABLE "mig0003".django_migrations')
    assert _behind() == {"mig0003": len(disk_migrations(tenant=True))}


def test_noop_run_skips_every_school(django_db_blocker: Any, mig_schools: list[str]) -> None:
    with django_db_blocker.unblock():
        total = len(school_schemas())
        out = _run("--processes", "2")
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"schools: {total}; up to date {total}; behind 0" in out.stdout
    assert f"summary: {total} schools, {total} up to date, 0 migrated, 0 failed" in out.stdout
    assert "public: up to date" in out.stdout


def test_killed_run_is_finished_by_the_next_run(
    django_db_blocker: Any, mig_schools: list[str]
) -> None:
    with django_db_blocker.unblock():
        _plant(SCHOOLS)
        assert _behind() == dict.fromkeys(SCHOOLS, 1)
        process = subprocess.Popen(
            _command("--processes", "1"),
            cwd=REPO,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        assert process.stdout is not None
        lines = []
        for line in process.stdout:  # the first school done: kill the run
            lines.append(line)
            if line.startswith("[1/3] "):
                os.killpg(process.pid, signal.SIGKILL)
                break
        process.wait(30)
        assert process.returncode == -signal.SIGKILL, "".join(lines)
        assert "mig0001: +1 migration" in lines[-1]
        left = _behind()
        assert "mig0001" not in left
        assert set(left) <= {"mig0002", "mig0003"} and left, left

        out = _run("--processes", "2")
        assert out.returncode == 0, out.stdout + out.stderr
        assert f"behind {len(left)}" in out.stdout
        for schema in left:
            assert f"{schema}: +1 migration" in out.stdout
        assert "mig0001: +1" not in out.stdout  # done before the kill, not again
        assert f"{len(left)} migrated, 0 failed" in out.stdout
        assert _behind() == {}


def test_failing_school_is_reported_the_others_finish_and_a_rerun_completes(
    django_db_blocker: Any, mig_schools: list[str]
) -> None:
    from tenants.models import School

    with django_db_blocker.unblock():
        # A school whose schema is gone: its migration fails for real.
        ghost = School.objects.create(
            slug="mig-ghost", schema_name="mig_ghost", name="Призрак", short_name="Призрак"
        )
        try:
            _plant(["mig0002"])
            out = _run("--processes", "2")
            assert out.returncode == 1, out.stdout + out.stderr
            assert "mig0002: +1 migration" in out.stdout
            assert "mig_ghost: FAILED" in out.stdout
            assert "1 migrated, 1 failed" in out.stdout
            assert "1 schools failed to migrate" in out.stderr
            assert set(_behind()) == {"mig_ghost"}
        finally:
            ghost.delete()
        out = _run()
        assert out.returncode == 0, out.stdout + out.stderr
        assert "behind 0" in out.stdout
        assert _behind() == {}


def test_the_check_costs_one_query_plus_one_per_20_schools(
    db: None, mig_schools: list[str], django_assert_num_queries: Any
) -> None:
    from tenants.schema_state import CHUNK

    schemas = school_schemas()
    target = disk_migrations(tenant=True)
    with django_assert_num_queries(1 + -(-len(schemas) // CHUNK)):
        schools_behind(schemas=schemas, target=target)
    many = schemas * 3  # the same schools listed again: still one query per CHUNK
    with django_assert_num_queries(1 + -(-len(many) // CHUNK)):
        assert schools_behind(schemas=many, target=target) == {}


def test_check_reports_the_schools_behind_and_fails_only_then(
    db: None, mig_schools: list[str]
) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = StringIO()
    call_command("platform_migrate", check=True, stdout=out)
    assert "public lacks 0, school_template lacks 0, 0 schools behind" in out.getvalue()
    with connection.cursor() as cursor:  # rolled back with the test
        cursor.execute(
            'DELETE FROM "mig0001".django_migrations WHERE app = %s AND name = %s', list(PLANTED)
        )
    out = StringIO()
    with pytest.raises(CommandError, match="pending"):
        call_command("platform_migrate", check=True, stdout=out)
    assert "1 schools behind" in out.getvalue()
    assert "mig0001: 1 migrations missing" in out.getvalue()
