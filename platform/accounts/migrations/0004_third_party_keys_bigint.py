"""64-bit keys in the tables of the libraries we use (issue #18, the path to Citus).

Our own models use BigAutoField (DEFAULT_AUTO_FIELD), but django.contrib.auth,
contenttypes, django-axes, django-guardian and django-otp declare `AutoField` in their
models and migrations, so their keys (and the foreign keys pointing at them, ours included)
are 32-bit integers. This widens every such primary and foreign key column to bigint in
every schema (public and each school's; a school cloned from the base schema gets them
already widened). The identity sequences follow the column type (PostgreSQL changes them
with ALTER COLUMN ... TYPE).

Django's model state is left as it is: the libraries' fields stay `AutoField` in Python,
which reads and writes bigint columns the same way. tests/deploy/test_citus_ready.py checks
the catalogue of a school schema, so a new 32-bit key (a model whose foreign key points at
Group or Permission, a library upgrade that recreates a table) is caught there.
"""

from django.db import migrations

# (table, column): every 32-bit primary/foreign key column in a school schema on 2026-12-01.
COLUMNS = [
    ("django_content_type", "id"),
    ("auth_permission", "id"),
    ("auth_permission", "content_type_id"),
    ("auth_group", "id"),
    ("auth_group_permissions", "group_id"),
    ("auth_group_permissions", "permission_id"),
    ("accounts_user_groups", "group_id"),
    ("accounts_user_user_permissions", "permission_id"),
    ("axes_accessattempt", "id"),
    ("axes_accessattemptexpiration", "access_attempt_id"),
    ("axes_accessfailurelog", "id"),
    ("axes_accesslog", "id"),
    ("guardian_groupobjectpermission", "id"),
    ("guardian_groupobjectpermission", "content_type_id"),
    ("guardian_groupobjectpermission", "group_id"),
    ("guardian_groupobjectpermission", "permission_id"),
    ("guardian_userobjectpermission", "id"),
    ("guardian_userobjectpermission", "content_type_id"),
    ("guardian_userobjectpermission", "permission_id"),
    ("otp_totp_totpdevice", "id"),
]


def _alter(type_name: str) -> str:
    # Grouped per table: one rewrite of each table. Names are this module's constants.
    tables: dict[str, list[str]] = {}
    for table, column in COLUMNS:
        tables.setdefault(table, []).append(column)
    return ";\n".join(
        f'ALTER TABLE "{table}" '
        + ", ".join(f'ALTER COLUMN "{column}" TYPE {type_name}' for column in columns)
        for table, columns in tables.items()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_schema_manager"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("axes", "0010_accessattemptexpiration"),
        ("guardian", "0003_remove_groupobjectpermission_guardian_gr_content_ae6aec_idx_and_more"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunSQL(_alter("bigint"), reverse_sql=_alter("integer"))]
