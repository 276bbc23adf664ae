"""`platform/` must never shadow the standard library's `platform` module (see conventions)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{ROOT / 'platform'}"
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    return env


def test_platform_folder_is_not_a_package() -> None:
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_stdlib_platform_imports_in_a_fresh_interpreter() -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import platform; print(platform.system()); print(platform.__file__)",
        ],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    system, path = out.stdout.split()
    assert system == "Linux"
    assert "site-packages" not in path and str(ROOT) not in path


def test_manage_py_check_passes_in_a_fresh_interpreter() -> None:
    out = subprocess.run(
        [sys.executable, "platform/manage.py", "check", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout
