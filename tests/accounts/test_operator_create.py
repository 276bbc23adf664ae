"""`operator_create`: the first operator of a new installation, from the command line (issue
#18, the chart's NOTES.txt; SEC-2, SEC-3)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context

from accounts import roles
from accounts.models import User


def _create(*args: str) -> str:
    out = io.StringIO()
    call_command("operator_create", *args, stdout=out)
    return out.getvalue()


def test_the_operator_is_made_in_public_with_a_one_time_password(school1: Any) -> None:
    with schema_context("school1"):
        printed = _create("mo-admin", "--email", "admin@edu.example.ru")
    password = re.search(r"^password: (\S+)", printed, re.MULTILINE)
    assert password
    user = User.objects.get(username="mo-admin")
    assert user.email == "admin@edu.example.ru"
    assert user.check_password(password.group(1))
    assert user.must_change_password is True
    assert roles.has_role(user, roles.OPERATOR)
    assert not roles.has_role(user, roles.DEPARTMENT)
    # Public only: the school's schema has no such account.
    with schema_context("school1"):
        assert not User.objects.filter(username="mo-admin").exists()


def test_a_department_user_and_a_taken_name(db: None) -> None:
    _create("uo-head", "--email", "uo@edu.example.ru", "--role", roles.DEPARTMENT)
    assert roles.has_role(User.objects.get(username="uo-head"), roles.DEPARTMENT)
    with pytest.raises(CommandError, match="taken"):
        _create("uo-head", "--email", "other@edu.example.ru")
    assert User.objects.filter(username="uo-head").count() == 1


def test_a_school_role_is_refused(db: None) -> None:
    with pytest.raises(CommandError, match="invalid choice"):
        _create("someone", "--email", "x@edu.example.ru", "--role", roles.TEACHER)
    assert not User.objects.filter(username="someone").exists()
