from django.contrib.postgres.operations import CreateExtension
from django.db import migrations

# Distinct authors over several atoms: their author_keys arrays concatenated per unit, then
# sorted and deduplicated by intarray's C functions (icount(uniq(sort(...)))), about five times
# faster than count(DISTINCT) over the unnested keys. intarray's operators apply to int4[] only;
# author_keys is the only such column and has no index they could shadow.
AGGREGATE = """
CREATE AGGREGATE author_keys_cat(integer[]) (SFUNC = array_cat, STYPE = integer[], INITCOND = '{}')
"""


class Migration(migrations.Migration):
    dependencies = [("insights", "0003_recompute_for_point_level")]

    operations = [
        CreateExtension("intarray"),
        migrations.RunSQL(AGGREGATE, "DROP AGGREGATE author_keys_cat(integer[])"),
    ]
