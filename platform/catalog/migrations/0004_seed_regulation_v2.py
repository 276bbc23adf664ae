"""Seed: version 2 of the default regulation (issue 10, MRK-2, TPL-5).

Version 1 read 004 §8.6's seven days as a window for correcting marks; version 2 forbids
corrections of marks (000 §3.9, 002 п.5 ж), 004 §8.6), gives the seven days to mending
errors and gaps in the lesson records, and names the rules added since. Schools on
version 1 keep it until they roll forward; new schools adopt version 2.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from catalog.seed import load_seed

    load_seed(apps)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_seed")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
