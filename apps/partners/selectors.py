"""Reads of partners and their keys."""

from django.db import connection, models

from apps.brands.selectors import brands_from_entitled_json, entitled_json_sql
from apps.partners.models import ApiKey, Partner


def _columns(model: type[models.Model], alias: str) -> tuple[list[str], str]:
    names = [str(field.column) for field in model._meta.concrete_fields]
    return names, ", ".join(f"{alias}.{name}" for name in names)


def api_key_by_hash(key_hash: str) -> ApiKey | None:
    """The key with this hash, its partner and the brands the partner may read, in one plain
    statement: every request runs it, and the ORM took longer to build the query than the
    database to answer it. Ingest keys get the brands too: a few rows, where a read needs a
    second round trip without them."""
    key_names, key_columns = _columns(ApiKey, "k")
    partner_names, partner_columns = _columns(Partner, "p")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {key_columns}, {partner_columns}, {entitled_json_sql('k.partner_id')} "
            f"FROM {ApiKey._meta.db_table} k "
            f"JOIN {Partner._meta.db_table} p ON p.id = k.partner_id WHERE k.key_hash = %s",
            [key_hash],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    split, entitled = len(key_names), row[-1]
    api_key = ApiKey.from_db(connection.alias, key_names, row[:split])
    api_key.partner = Partner.from_db(connection.alias, partner_names, row[split:-1])
    api_key.entitled_brands = brands_from_entitled_json(entitled, connection.alias)
    return api_key
