from typing import Any

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations

# Distinct authors over several atoms: the project's own aggregate (pg/voxpop_authors, built and
# installed by scripts/setup.sh) appends every atom's keys to one buffer and counts the distinct
# ones after a radix sort, about 2.5 times faster than intarray's sort of the concatenated keys
# (author_keys_cat), whose comparison callback took most of a choropleth's database time.
OLD_AGGREGATE = """
CREATE AGGREGATE author_keys_cat(integer[]) (SFUNC = array_cat, STYPE = integer[], INITCOND = '{}')
"""


class CreateBuiltExtension(CreateExtension):
    """CreateExtension, with a clear message when the server does not have the extension."""

    def database_forwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = %s", [self.name])
            if cursor.fetchone() is None:
                raise RuntimeError(
                    f"The PostgreSQL server has no {self.name} extension: build and install it "
                    f"with scripts/setup.sh (make setup), or `make -C pg/{self.name} install` on "
                    "the database server's machine, then migrate again."
                )
        super().database_forwards(app_label, schema_editor, *args)


class Migration(migrations.Migration):
    dependencies = [("insights", "0006_rollup_kept_default_k_idx")]

    operations = [
        CreateBuiltExtension("voxpop_authors"),
        migrations.RunSQL("DROP AGGREGATE author_keys_cat(integer[])", OLD_AGGREGATE),
    ]
