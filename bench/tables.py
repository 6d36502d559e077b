"""Leave the mentions tables as a benchmark found them."""

from django.db import connection

from apps.mentions.models import Mention

TABLES = ("mentions_mention", "mentions_mentionbrand", "mentions_mentionregion")


def bench_mentions_delete(external_id_prefix: str) -> None:
    """Delete a benchmark's mentions, then vacuum: the hundreds of thousands of dead rows an
    ingest run leaves would otherwise slow the next benchmark's index scans (a 1,000-id
    select took 120 ms instead of 16) until autovacuum came by."""
    Mention.objects.filter(external_id__startswith=external_id_prefix).delete()
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
