"""Settings fail loudly on a bad boolean or an empty number (issue #9): a typo in the
deployment stops the start-up with the variable's name instead of quietly meaning "off"
or crashing with a bare ValueError."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.env import env_bool, env_float, env_int


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("true", True),
        ("TRUE", True),
        (" yes ", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("", False),
    ],
)
def test_env_bool_reads_the_accepted_words(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    monkeypatch.setenv("EDU_FLAG", value)
    assert env_bool("EDU_FLAG", default=not expected) is expected


@pytest.mark.parametrize("value", ["on", "off", "enabled", "2", "tru", "y"])
def test_env_bool_refuses_anything_else_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("EDU_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match="EDU_FLAG"):
        env_bool("EDU_FLAG")


def test_env_bool_unset_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EDU_FLAG", raising=False)
    monkeypatch.delenv("EDU_FLAG_FILE", raising=False)
    assert env_bool("EDU_FLAG") is False
    assert env_bool("EDU_FLAG", default=True) is True


def test_env_bool_from_a_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pytest.TempPathFactory
) -> None:
    path = tmp_path / "flag"  # type: ignore[operator]
    path.write_text("yes\n")
    monkeypatch.delenv("EDU_FLAG", raising=False)
    monkeypatch.setenv("EDU_FLAG_FILE", str(path))
    assert env_bool("EDU_FLAG") is True


def test_numbers_read_and_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDU_PORT", " 2525 ")
    monkeypatch.setenv("EDU_RATE", "0.25")
    monkeypatch.delenv("EDU_UNSET", raising=False)
    monkeypatch.delenv("EDU_UNSET_FILE", raising=False)
    assert env_int("EDU_PORT", 25) == 2525
    assert env_float("EDU_RATE", 0.0) == 0.25
    assert env_int("EDU_UNSET", 25) == 25
    assert env_float("EDU_UNSET", 0.5) == 0.5


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_number_raises_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("EDU_PORT", value)
    with pytest.raises(ImproperlyConfigured, match="EDU_PORT is set but empty"):
        env_int("EDU_PORT", 25)
    with pytest.raises(ImproperlyConfigured, match="EDU_PORT is set but empty"):
        env_float("EDU_PORT", 0.0)


@pytest.mark.parametrize(
    ("getter", "value"), [(env_int, "25.5"), (env_int, "ten"), (env_float, "x")]
)
def test_a_number_that_is_not_one_raises_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, getter: object, value: str
) -> None:
    monkeypatch.setenv("EDU_PORT", value)
    with pytest.raises(ImproperlyConfigured, match="EDU_PORT must be"):
        getter("EDU_PORT", 1)  # type: ignore[operator]
