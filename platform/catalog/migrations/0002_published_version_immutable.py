"""A published regulation version never changes (TPL-1): enforced by the database too.

The service refuses edits of a published version; this trigger also stops any other path
(a shell, a data fix, a bug) from rewriting what schools have adopted. Publishing itself is
the one allowed change: a draft row may become published.
"""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION catalog_version_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'published' THEN
        RAISE EXCEPTION 'catalog: published regulation version % is immutable', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER catalog_version_immutable
BEFORE UPDATE OR DELETE ON catalog_regulationversion
FOR EACH ROW EXECUTE FUNCTION catalog_version_immutable();
"""

REVERSE = """
DROP TRIGGER IF EXISTS catalog_version_immutable ON catalog_regulationversion;
DROP FUNCTION IF EXISTS catalog_version_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
