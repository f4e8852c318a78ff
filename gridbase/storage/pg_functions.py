"""SQL functions PostgreSQL lacks but formulas need: Baserow's own helpers (migrations
0113, 0123, 0124, 0176 and 0200 of Baserow 1.35.3) under `gb_` names. They catch what
PostgreSQL would raise (a bad pattern, time zone or template) and give Baserow's error value,
so a client's formula can never fail a query. Installed by a metadata migration; SQLite has
the same functions in Python (sqlite_functions.py). Imports: nothing of gridbase.
"""

from __future__ import annotations

# (no "%" in them: drivers read it as a parameter mark; chr(37) writes one)
# to_timestamp reads and to_char writes in the session's time zone: these run in UTC
# (Baserow's sessions), whatever the server's own setting
STATEMENTS: tuple[str, ...] = (
    """
CREATE OR REPLACE FUNCTION gb_try_regexp_replace(
    p_text text, p_pattern text, p_replacement text, p_error text
) RETURNS text AS $$
BEGIN
    RETURN regexp_replace(p_text, p_pattern, p_replacement, 'g');
EXCEPTION WHEN others THEN
    RETURN p_error;
END;
$$ LANGUAGE plpgsql STABLE
""",
    """
CREATE OR REPLACE FUNCTION gb_datetime_format(p_in timestamptz, p_format text)
RETURNS text AS $$
    SELECT to_char(p_in, p_format)
$$ LANGUAGE sql STABLE SET timezone = 'UTC'
""",
    """
CREATE OR REPLACE FUNCTION gb_try_datetime_format_tz(
    p_in timestamptz, p_format text, p_timezone text
) RETURNS text AS $$
BEGIN
    RETURN to_char(p_in AT TIME ZONE p_timezone, p_format);
EXCEPTION WHEN others THEN
    RETURN NULL;
END;
$$ LANGUAGE plpgsql STABLE SET timezone = 'UTC'
""",
    """
CREATE OR REPLACE FUNCTION gb_try_cast_to_date_tz(
    p_in text, p_format text, p_timezone text
) RETURNS timestamptz AS $$
DECLARE
    tstamp timestamp;
BEGIN
    tstamp := to_timestamp(p_in, p_format);
    IF tstamp < '0001-01-01'::timestamp THEN
        RETURN NULL;  -- a year BC: Baserow shows such dates as null
    END IF;
    RETURN tstamp AT TIME ZONE p_timezone;
EXCEPTION WHEN others THEN
    RETURN NULL;
END;
$$ LANGUAGE plpgsql STABLE SET timezone = 'UTC'
""",
    *(
        f"""
CREATE OR REPLACE FUNCTION {name}(text) RETURNS text AS $$
    SELECT string_agg(
        CASE
            WHEN bytes > 1 OR c !~ '{kept}' THEN
                regexp_replace(encode(convert_to(c, 'utf-8'), 'hex'), '(..)', chr(37) || '\\1', 'g')
            ELSE c
        END,
        ''
    )
    FROM (SELECT c, octet_length(c) bytes FROM regexp_split_to_table($1, '') c) q
$$ LANGUAGE sql IMMUTABLE STRICT
"""
        for name, kept in (
            ("gb_encode_uri", "[0-9a-zA-Z_.!~*''();,/?:@&=+$#-]+"),
            ("gb_encode_uri_component", "[0-9a-zA-Z_.!~*''()-]+"),
        )
    ),
)
NAMES = (
    "gb_try_regexp_replace(text, text, text, text)",
    "gb_datetime_format(timestamptz, text)",
    "gb_try_datetime_format_tz(timestamptz, text, text)",
    "gb_try_cast_to_date_tz(text, text, text)",
    "gb_encode_uri(text)",
    "gb_encode_uri_component(text)",
)
