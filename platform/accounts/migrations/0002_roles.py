"""Role groups: operator/department in public, school roles in every school schema."""

from django.db import migrations

PUBLIC_ROLES = ["operator", "department"]
SCHOOL_ROLES = ["director", "deputy", "journal_admin", "secretary", "teacher", "pupil", "parent"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    schema = getattr(schema_editor.connection, "schema_name", "public")
    names = PUBLIC_ROLES if schema == "public" else SCHOOL_ROLES
    for name in names:
        Group.objects.get_or_create(name=name)


def drop_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=PUBLIC_ROLES + SCHOOL_ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, drop_roles)]
