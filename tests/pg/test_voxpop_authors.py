"""The project's PostgreSQL aggregate `author_keys_count` against count(DISTINCT) of the keys."""

import random

import orjson
import pytest
from django.db import connection
from django.db.utils import DataError, IntegrityError

pytestmark = pytest.mark.django_db

# Each group's count by the aggregate and by count(DISTINCT) over its unnested keys.
COUNTS_SQL = """
WITH atoms AS (SELECT r.g, r.keys FROM jsonb_to_recordset(%s::jsonb) AS r(g text, keys int[]))
SELECT g, author_keys_count(keys),
       (SELECT count(DISTINCT k) FROM atoms other, unnest(other.keys) k WHERE other.g = atoms.g)
FROM atoms GROUP BY g
"""


def _counts(groups: dict[str, list[list[int | None] | None]]) -> dict[str, tuple[int, int]]:
    """group → (author_keys_count of its arrays, count(DISTINCT) of their keys)."""
    atoms = [{"g": name, "keys": keys} for name, arrays in groups.items() for keys in arrays]
    with connection.cursor() as cursor:
        cursor.execute(COUNTS_SQL, [orjson.dumps(atoms).decode()])
        return {g: (ours, reference) for g, ours, reference in cursor.fetchall()}


def test_counts_distinct_keys_as_count_distinct_does() -> None:
    rng = random.Random(7)
    groups: dict[str, list[list[int | None] | None]] = {}
    for index in range(40):
        # Keys over the whole int4 range (hashtext gives negative ones), from a pool small
        # enough that days repeat authors; groups from one atom to sixty.
        pool = [rng.randint(-(2**31), 2**31 - 1) for _ in range(rng.choice([1, 5, 50, 3000]))]
        atoms: list[list[int | None] | None] = [
            [*sorted(set(rng.sample(pool, rng.randint(0, min(len(pool), 200)))))]
            for _ in range(rng.randint(1, 60))
        ]
        groups[f"g{index}"] = atoms
    counts = _counts(groups)
    assert len(counts) == 40
    assert all(ours == reference for ours, reference in counts.values()), counts
    assert max(reference for _, reference in counts.values()) > 1000


def test_edges() -> None:
    counts = _counts({
        "empty": [[]],
        "null": [None, [5]],
        "only_null": [None],
        "same": [[7, 7], [7]],
        "extremes": [[-(2**31), 2**31 - 1, 0, -1, 1], [0, -(2**31)]],
        # Equal in their low bytes, different in the high one: a pass may be skipped, not all.
        "high_byte": [[1, 1 + 2**24, 1 + 2**25, -(2**31) + 1]],
        "low_byte_only": [[3, 1, 2, 1]],
    })  # fmt: skip
    assert counts == {
        "empty": (0, 0),
        "null": (1, 1),
        "only_null": (0, 0),
        "same": (1, 1),
        "extremes": (5, 5),
        "high_byte": (4, 4),
        "low_byte_only": (3, 3),
    }


def test_rejects_keys_that_are_null() -> None:
    with pytest.raises((DataError, IntegrityError), match="must not contain nulls"):
        _counts({"nulls": [[1, None]]})
