"""TEN-3: deleting a user touches only the schema the user lives in.

accounts.User is installed in public and in every school, and models on both sides point
at it. A plain Django cascade from a school user would follow the relations of public
models too (search_path reaches public) and null out the operator with the same id;
from a public user it would look for school-only tables that public does not have.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django_tenants.utils import schema_context

from accounts.models import User
from catalog.models import SchoolAdoption


def test_deleting_a_school_user_leaves_public_rows_of_the_same_id_alone(
    operator: Any, school1: Any
) -> None:
    adoption = SchoolAdoption.objects.get(school=school1)
    adoption.adopted_by = operator
    adoption.save(update_fields=["adopted_by"])
    with schema_context("school1"):
        # Another person with the operator's id: ids are per schema.
        twin = User.objects.filter(pk=operator.pk).first() or User.objects.create_user(
            "same_id_as_operator", password="x-long-pass-1", id=operator.pk
        )
        twin.delete()
        assert not User.objects.filter(pk=operator.pk).exists()
    adoption.refresh_from_db()
    assert adoption.adopted_by_id == operator.pk


def test_deleting_a_public_user_works_and_cascades_in_public(department_user: Any) -> None:
    pk = department_user.pk
    assert Group.objects.get(name="department").user_set.filter(pk=pk).exists()
    department_user.delete()
    assert not User.objects.filter(pk=pk).exists()
    assert not Group.objects.get(name="department").user_set.filter(pk=pk).exists()


def test_queryset_delete_is_schema_aware_too(department_user: Any) -> None:
    deleted, _ = User.objects.filter(pk=department_user.pk).delete()
    assert deleted >= 1
    assert not User.objects.filter(pk=department_user.pk).exists()
