"""Seed: the default regulation, period schemes and the REP-1/REP-2 report forms."""

from django.db import migrations


def seed(apps, schema_editor):
    from catalog.seed import load_seed

    load_seed(apps)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_published_version_immutable")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
