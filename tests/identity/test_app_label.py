"""The school-side identity app moved to journal/identity/ (issue #9) but kept its label,
so its migrations, tables and django_migrations rows are the ones already deployed."""

from __future__ import annotations

from django.apps import apps
from django.db.migrations.loader import MigrationLoader

from identity.school_side import school_side
from journal.identity import selectors, services


def test_school_identity_app_keeps_its_label_tables_and_migrations() -> None:
    config = apps.get_app_config("identity_school")
    assert config.name == "journal.identity"
    tables = {model._meta.db_table for model in config.get_models()}
    assert "identity_school_externalidentity" in tables
    assert all(table.startswith("identity_school_") for table in tables)
    loader = MigrationLoader(None, ignore_no_migrations=True)
    assert ("identity_school", "0001_initial") in loader.disk_migrations


def test_portal_reaches_the_school_side_registered_at_startup() -> None:
    side = school_side()
    assert side.invitation_redeem is services.invitation_redeem
    assert side.link_by_attribute is services.identity_link_by_attribute
    assert side.linked_user_id is selectors.linked_user_id
