"""One service creates a school person's account, one issues a password (issue #9;
SET-3, SET-4, SEC-2, SEC-3): the roster, the structure, provisioning and the identity
services all go through them."""

from __future__ import annotations

import re
from typing import Any

from django_tenants.utils import schema_context

from accounts import roles
from accounts.services import generate_password, password_issue, school_account_create


def test_an_account_without_a_username_gets_one_from_the_prefix(school1: Any) -> None:
    with schema_context("school1"):
        user = school_account_create(
            last_name="  Иванова ",
            first_name="Мария ",
            patronymic=" Петровна",
            username_prefix="p",
            role_names=[roles.PARENT],
        )
        other = school_account_create(
            last_name="Иванов", first_name="Пётр", username_prefix="p", role_names=[roles.PARENT]
        )
        user.refresh_from_db()
        assert re.fullmatch(r"p[0-9a-f]{8}", user.username)
        assert other.username != user.username
        names = (user.last_name, user.first_name, user.patronymic)
        assert names == ("Иванова", "Мария", "Петровна")
        assert not user.has_usable_password()
        assert set(user.groups.values_list("name", flat=True)) == {roles.PARENT}


def test_a_given_username_and_several_roles_are_kept(school1: Any) -> None:
    with schema_context("school1"):
        user = school_account_create(
            last_name="Сидорова",
            first_name="Анна",
            email="a@school.example",
            username="sidorova",
            role_names=[roles.TEACHER, roles.DEPUTY],
        )
        user.refresh_from_db()
        assert (user.username, user.email) == ("sidorova", "a@school.example")
        assert set(user.groups.values_list("name", flat=True)) == {roles.TEACHER, roles.DEPUTY}
        assert not user.has_usable_password()


def test_an_issued_password_works_once_shown_and_must_be_changed(school1: Any) -> None:
    with schema_context("school1"):
        user = school_account_create(
            last_name="Петров", first_name="Илья", role_names=[roles.PUPIL]
        )
        first = password_issue(user=user)
        second = password_issue(user=user)
        user.refresh_from_db()
        assert first != second
        assert user.check_password(second) and not user.check_password(first)
        assert user.must_change_password


def test_generated_passwords_mix_cases_and_digits() -> None:
    for _ in range(50):
        password = generate_password()
        assert len(password) == 14
        assert any(c.islower() for c in password)
        assert any(c.isupper() for c in password)
        assert any(c.isdigit() for c in password)
