"""SQL of the rollup reads (`rollup_reads`): the parts of a choropleth read, the not-placed
count, the pending days and the check of a read's assumptions."""

# Three parts, merged in Python (`_merged`): the focus brands' units with the sums of their
# kept atoms (at least k authors), read from the (level, brand, day, authors) index that holds
# unit and counts; the distinct authors of those kept atoms; the competitors' sums over their
# kept atoms, read from the partial index of kept atoms. Joining the parts in SQL cost more
# (sorts of every unit for a merge join) than the reads themselves.
ROLLUP_SQL = """
WITH {atoms}focus AS (
    SELECT {unit} AS unit, brand_id,
           coalesce(sum(mentions) FILTER (WHERE authors >= %(k)s), 0)::bigint AS mentions,
           coalesce(sum(positive) FILTER (WHERE authors >= %(k)s), 0)::bigint AS positive,
           coalesce(sum(neutral) FILTER (WHERE authors >= %(k)s), 0)::bigint AS neutral,
           coalesce(sum(negative) FILTER (WHERE authors >= %(k)s), 0)::bigint AS negative
    FROM {source}
    WHERE level = %(rollup_level)s AND brand_id = ANY(%(author_brand_ids)s) {days} {area}
    GROUP BY 1, brand_id
),
people AS (
    SELECT {unit} AS unit, brand_id, {authors} AS authors
    FROM {source}
    WHERE level = %(rollup_level)s AND brand_id = ANY(%(author_brand_ids)s) AND authors >= %(k)s
      {days} {area} {people}
    GROUP BY 1, brand_id
),
rivals AS (
    SELECT {unit} AS unit, brand_id, sum(mentions)::bigint AS mentions,
           sum(positive)::bigint AS positive, sum(neutral)::bigint AS neutral,
           sum(negative)::bigint AS negative
    FROM {source}
    WHERE level = %(rollup_level)s AND brand_id = ANY(%(rival_ids)s) AND authors >= %(k)s
      {days} {area}
    GROUP BY 1, brand_id
)
SELECT 0 AS part, unit, brand_id, mentions, 0::bigint AS authors, positive, neutral, negative
FROM focus
UNION ALL
SELECT 1, unit, brand_id, 0, authors, 0, 0, 0 FROM people
UNION ALL
SELECT 2, unit, brand_id, mentions, 0, positive, neutral, negative FROM rivals
"""
FOCUS, PEOPLE, RIVALS, UNPLACED = 0, 1, 2, 3

# The focus brands' mentions that the level cannot place (`UNPLACED_SQL`) as a fourth part: a
# choropleth and its not-placed count in one statement. Cast: over pending atoms, whose counts
# are bigint, the sum is numeric, and the union's columns would follow it.
UNPLACED_PART = """
UNION ALL
SELECT 3, NULL, NULL, mentions::bigint, authors::bigint, 0, 0, 0 FROM ({unplaced}) unplaced
"""

# Distinct authors over the atoms' keys: the project's aggregate (pg/voxpop_authors), a radix
# sort of the keys in C, 2.5 times faster than intarray's sort of their concatenation.
DISTINCT_AUTHOR_KEYS = "author_keys_count(author_keys)"

# Units where the brands have kept atoms, and their sums only: for figures that neither show
# suppressed units nor distinct authors (hotspots), read through the kept-atoms index alone.
SHOWN_SQL = """
{with_atoms}SELECT {unit} AS unit, brand_id, sum(mentions)::bigint AS mentions,
       0::bigint AS authors, sum(positive)::bigint AS positive, sum(neutral)::bigint AS neutral,
       sum(negative)::bigint AS negative
FROM {source}
WHERE level = %(rollup_level)s AND brand_id = ANY(%(brand_ids)s) AND authors >= %(k)s
  {days} {area}
GROUP BY 1, brand_id
"""

# `authors` is only compared with k: one day with k authors settles it without sorting the keys
# of every day, so it is exact below k and a lower bound at or above it.
# `{level}` and `{brands}` name the parameters that hold the level and the brands.
UNPLACED_SQL = """
{with_atoms}SELECT coalesce(sum(mentions), 0) AS mentions,
       CASE WHEN max(authors) >= %(k)s THEN max(authors) ELSE {authors} END AS authors
FROM {source}
WHERE level = %({level})s AND brand_id = ANY(%({brands})s) {days}
"""

PENDING_SQL = "SELECT day FROM insights_dirtyrollupday WHERE TRUE {days} ORDER BY day"

# A read may assume its layer's id and its pending days (as this process last read them), to
# spare the round trip that asks: then it carries this part, which says whether both held in
# the read's own snapshot, and its answer is thrown away (`UnsettledRead`) when not.
CHECK_PART = """
UNION ALL
SELECT 4, (SELECT id FROM regions_boundarylayer WHERE name = %(check_layer)s), NULL,
       (ARRAY({pending}) = %(check_pending)s::date[])::int, 0, 0, 0, 0
"""
CHECK = 4

PENDING_ATOMS_CTE = "{name} AS MATERIALIZED ({pending})"
# The stored rollups of the other days and the pending days' atoms, as one relation: the
# conditions of each read reach the rollups' indexes, and the pending atoms are computed once.
ATOMS = """(
    SELECT level, unit, brand_id, day, mentions, positive, neutral, negative, authors,
           author_keys
    FROM insights_unitdayrollup WHERE NOT day = ANY(%(pending_days)s)
    UNION ALL
    SELECT * FROM {name}
) AS atoms"""
