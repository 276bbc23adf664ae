"""Seed: the education department's cross-school report forms (issue #13, TPL-3)."""

from django.db import migrations


def seed(apps, schema_editor):
    from catalog.seed import load_seed

    load_seed(apps)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_seed_regulation_v2")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
