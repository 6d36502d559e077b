\echo Use "CREATE EXTENSION voxpop_authors" to load this file. \quit

CREATE FUNCTION author_keys_count_add(internal, integer[]) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT;

CREATE FUNCTION author_keys_count_final(internal) RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT;

-- The number of distinct keys over every array of the group (0 for none).
CREATE AGGREGATE author_keys_count(integer[]) (
    SFUNC = author_keys_count_add,
    STYPE = internal,
    FINALFUNC = author_keys_count_final
);
