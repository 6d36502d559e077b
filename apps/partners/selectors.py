"""Reads of partners and their keys."""

import re

from django.db import connection, models

from apps.brands.selectors import brands_from_entitled_json, entitled_json_sql
from apps.partners.models import ApiKey, Partner

# What a key's authentication depends on: the key's state and scopes, its partner's state and
# the brands the partner may read (`fingerprint_function_sql`). Equal fingerprints: an earlier
# authentication still holds.
KEY_FINGERPRINT_SQL = "api_key_fingerprint({key_hash})"


def fingerprint_function_sql() -> str:
    """The function behind `KEY_FINGERPRINT_SQL`, with the entitlement SQL of today: the
    migrations that (re)write it call this. PL/pgSQL keeps the inner statement's plan for the
    session: planning it took 0.3 ms of its 0.4."""
    return f"""
CREATE OR REPLACE FUNCTION api_key_fingerprint(hash text) RETURNS text LANGUAGE plpgsql STABLE
AS $$
BEGIN
    RETURN (
        SELECT md5(row(k.id, k.revoked_at, k.expires_at, k.scopes, p.id, p.is_active,
                       {entitled_json_sql("k.partner_id")}::text)::text)
        FROM partners_apikey k JOIN partners_partner p ON p.id = k.partner_id
        WHERE k.key_hash = hash
    );
END
$$
"""


KEY_HASH = re.compile(r"[0-9a-f]{64}")


def _columns(model: type[models.Model], alias: str) -> tuple[list[str], str]:
    names = [str(field.column) for field in model._meta.concrete_fields]
    return names, ", ".join(f"{alias}.{name}" for name in names)


def api_key_by_hash(key_hash: str) -> ApiKey | None:
    """The key with this hash, its partner and the brands the partner may read, in one plain
    statement: every request runs it, and the ORM took longer to build the query than the
    database to answer it. Ingest keys get the brands too: a few rows, where a read needs a
    second round trip without them. The key's `fingerprint` (`KEY_FINGERPRINT_SQL`) comes with
    it, for reads that check the key in their own statement (`key_fingerprint_sql`)."""
    key_names, key_columns = _columns(ApiKey, "k")
    partner_names, partner_columns = _columns(Partner, "p")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {key_columns}, {partner_columns}, {entitled_json_sql('k.partner_id')}, "
            f"{KEY_FINGERPRINT_SQL.format(key_hash='k.key_hash')} "
            f"FROM {ApiKey._meta.db_table} k "
            f"JOIN {Partner._meta.db_table} p ON p.id = k.partner_id WHERE k.key_hash = %s",
            [key_hash],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    split, entitled, fingerprint = len(key_names), row[-2], row[-1]
    api_key = ApiKey.from_db(connection.alias, key_names, row[:split])
    api_key.partner = Partner.from_db(connection.alias, partner_names, row[split:-2])
    api_key.entitled_brands = brands_from_entitled_json(entitled, connection.alias)
    api_key.fingerprint = fingerprint
    return api_key


def key_fingerprint_sql(key_hash: str) -> str:
    """An SQL expression: the fingerprint the key has now, or NULL when it no longer exists.
    The hash is written into the text (it is hexadecimal, checked), so that the expression can
    ride in a statement whose parameters are not its own."""
    if not KEY_HASH.fullmatch(key_hash):
        raise ValueError("A key hash is 64 hexadecimal digits.")
    return KEY_FINGERPRINT_SQL.format(key_hash=f"'{key_hash}'")
