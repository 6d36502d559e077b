"""Leave the mentions tables as a benchmark found them."""

from django.db import connection

from apps.mentions.models import Mention

TABLES = ("mentions_mention", "mentions_mentionbrand", "mentions_mentionregion")


def bench_mentions_delete(external_id_prefix: str) -> None:
    """Delete a benchmark's mentions, then vacuum: the hundreds of thousands of dead rows an
    ingest run leaves would otherwise slow the next benchmark's index scans (a 1,000-id
    select took 120 ms instead of 16) until autovacuum came by."""
    Mention.objects.filter(external_id__startswith=external_id_prefix).delete()
    bench_tables_vacuum(TABLES)


def bench_tables_vacuum(tables: tuple[str, ...]) -> None:
    """VACUUM ANALYZE, as autovacuum leaves tables in service: fresh rows lack the visibility
    map that index-only scans need (a plain rollup SELECT took 6 ms before, 4 ms after)."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")
    # A fresh connection for what is timed next: VACUUM's large allocations leave its server
    # process faster at big bitmap scans (glibc keeps the memory instead of mapping it anew),
    # so a reference timed on it ran the same statement in 14 ms that the endpoint's ordinary
    # processes, and a new connection, ran in 20.
    connection.close()
