"""The index behind seekers.search.keywords (the keyword filter) on PostgreSQL: every 1- and 2-character
piece of the released search text as a tsvector (column search_grams), with a GIN index. Other
databases run the substring test alone and need neither."""

from django.db import migrations

FUNCTION_SQL = r"""
CREATE OR REPLACE FUNCTION seekers_text_grams(t text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_to_tsvector(array_agg(g)), ''::tsvector)
    FROM (SELECT substr(t, i, 1) AS g FROM generate_series(1, length(t)) AS i
          UNION SELECT substr(t, i, 2) FROM generate_series(1, length(t) - 1) AS i) AS pieces
    WHERE strpos(g, ' ') = 0
$$
"""
# A stored generated column, on PostgreSQL only (the model does not name it, so Django never reads or
# writes it): kept by PostgreSQL itself on every write of search_text, whoever writes it, and read by
# a search's filter without computing the pieces again for each row it looks at.
COLUMN_SQL = (
    "ALTER TABLE seekers_profile ADD COLUMN IF NOT EXISTS search_grams tsvector "
    "GENERATED ALWAYS AS (seekers_text_grams(search_text)) STORED"
)
# Not partial: PostgreSQL keeps statistics for the column, and the planner needs them to tell a piece
# held by 20% of profiles from one held by 0.1%.
INDEX_SQL = "CREATE INDEX IF NOT EXISTS profile_search_grams_gin ON seekers_profile USING gin (search_grams)"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION_SQL)
        schema_editor.execute(COLUMN_SQL)
        schema_editor.execute(INDEX_SQL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS profile_search_grams_gin")
        schema_editor.execute("ALTER TABLE seekers_profile DROP COLUMN IF EXISTS search_grams")
        schema_editor.execute("DROP FUNCTION IF EXISTS seekers_text_grams(text)")


class Migration(migrations.Migration):
    dependencies = [("seekers", "0011_savedsearch")]

    operations = [migrations.RunPython(create, drop)]
