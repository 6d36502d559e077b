from django.db import migrations

# A new rollup level (`unplaced:point`): mark every day with scored mentions for a refresh.
# Until the periodic task has recomputed a day, queries over it read the mentions table.
MARK_ALL_DAYS = """
INSERT INTO insights_dirtyrollupday (day, marked_at)
SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date, now()
FROM mentions_mention WHERE status = 'scored'
ON CONFLICT (day) DO UPDATE SET marked_at = excluded.marked_at
"""


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0002_rollup_kept_atoms_idx"),
        ("mentions", "0005_mention_location_time_idx"),
    ]

    operations = [migrations.RunSQL(MARK_ALL_DAYS, migrations.RunSQL.noop)]
