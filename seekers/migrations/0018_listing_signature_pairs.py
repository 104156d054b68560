# Written by hand on 2026-12-02: the text signature and the prefecture pairs on the listing rows,
# ListingText down to the text.
# ruff: noqa: S105, S608 - the SQL here interpolates only this file's own constants, never input.

import importlib

from django.db import migrations, models

first = importlib.import_module("seekers.migrations.0016_listing_facets")
previous = importlib.import_module("seekers.migrations.0017_listing_text")
COLUMNS, FACET_TOKEN = first.COLUMNS, first.FACET_TOKEN

# The same arithmetic as seekers.search.keywords.text_signature (seekers/tests/test_keyword_index.py
# compares both): one bit per 2-character piece without a space, Knuth's multiplicative hash of the two
# code points, bits 0–63 in the first bigint and 64–127 in the second.
SIGNATURE = r"""
CREATE FUNCTION seekers_text_sig(t text) RETURNS bigint[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY[coalesce(bit_or(1::bigint << b::int) FILTER (WHERE b < 64), 0),
                 coalesce(bit_or(1::bigint << (b - 64)::int) FILTER (WHERE b >= 64), 0)]
    FROM (SELECT mod((ascii(substr(t, i, 1))::bigint * 1031 + ascii(substr(t, i + 1, 1))) * 2654435761,
                     4294967296) >> 25 AS b
          FROM generate_series(1, length(t) - 1) AS i
          WHERE position(' ' in substr(t, i, 2)) = 0) AS pieces
$$;
"""


# A prefecture paired with each occupation (大分類 and 中分類) and qualification token of the profile
# ("pf13q0104"): the driver of a search that asks for both (seekers.search.narrow.PAIRED).
PAIRED = "^(q|oc|om)[0-9A-Za-z]+$"


def rows_of(p: str, source: str = "") -> str:
    """SELECT of the ListingFacet rows of profile row `p` (NEW in the trigger; with `source`, the profile
    table's alias in the backfill): 0016's rows and the prefecture pairs, with the text's signature,
    computed once per profile (OFFSET 0 keeps PostgreSQL from pulling the subquery up into an expression
    evaluated twice for each of the profile's rows: 20 times the work)."""
    copied = ", ".join(f"{p}.{c.strip()}" for c in COLUMNS.split(","))
    tokens = f"string_to_array({p}.facets, ' ')"
    return f"""
        SELECT DISTINCT {p}.application_id, t.token, {copied}, ' ' || {p}.facets || ' ', s.sig[1], s.sig[2]
        FROM {source}LATERAL (SELECT seekers_text_sig({p}.search_text) AS sig OFFSET 0) AS s,
             unnest(array_cat(array_cat(
                 ARRAY(SELECT f FROM unnest({tokens}) f WHERE f ~ '{FACET_TOKEN}'),
                 ARRAY(SELECT f || o FROM unnest({tokens}) f, unnest({tokens}) o
                       WHERE f ~ '^pf[0-9]+$' AND o ~ '{PAIRED}')),
                 ARRAY['all', CASE WHEN {p}.dispatch_ok THEN 'dispatch' END,
                       CASE WHEN {p}.contract_ok THEN 'contract' END,
                       CASE WHEN {p}.relocation_ok THEN 'relocation' END])) AS t(token)
        WHERE t.token IS NOT NULL AND {p}.listed_until IS NOT NULL AND {p}.published_at IS NOT NULL"""


INSERT = f"INSERT INTO seekers_listingfacet (profile_id, token, {COLUMNS}, facets, text_sig_lo, text_sig_hi)"
TEXT_INSERT = "INSERT INTO seekers_listingtext (profile_id, search_text)"
LISTED = previous.LISTED

# The trigger itself (its columns) is 0017's; its function now writes the signature and the bare text.
FUNCTION = f"""
CREATE OR REPLACE FUNCTION seekers_listing_facets_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM seekers_listingfacet WHERE profile_id = OLD.application_id;
        DELETE FROM seekers_listingtext WHERE profile_id = OLD.application_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        {INSERT} {rows_of("NEW")};
        IF {LISTED.format(p="NEW")} THEN
            {TEXT_INSERT} VALUES (NEW.application_id, NEW.search_text);
        END IF;
    END IF;
    RETURN NULL;
END $$;
"""


def signature_and_rows(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # elsewhere the tables stay empty and the search reads seekers_profile
    schema_editor.execute(SIGNATURE)
    schema_editor.execute(FUNCTION)
    schema_editor.execute("TRUNCATE seekers_listingfacet, seekers_listingtext")
    schema_editor.execute(f"{INSERT} {rows_of('p', 'seekers_profile p, ')}")
    schema_editor.execute(f"{TEXT_INSERT} SELECT p.application_id, p.search_text FROM seekers_profile p "
                          f"WHERE {LISTED.format(p='p')}")


def no_signature(apps, schema_editor):
    """Back to 0017: the rows go (0017's columns come back on empty tables), 0017's rows come back last."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("TRUNCATE seekers_listingfacet, seekers_listingtext")
        schema_editor.execute("DROP FUNCTION seekers_text_sig(text)")


def previous_rows(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER seekers_listing_facets_sync ON seekers_profile; "
                              "DROP FUNCTION seekers_listing_facets_sync();")
        schema_editor.execute(first.TRIGGER)  # 0017 replaces 0016's trigger and fills its text rows
        schema_editor.execute(f"{first.INSERT} {first.rows_of('p')}".replace(
            "FROM unnest", "FROM seekers_profile p, unnest", 1))
        previous.trigger_and_rows(apps, schema_editor)


COPIED = (
    "published_at", "public_id", "listed_until", "listed_provision", "cond_kind_bits", "cond_region_bits",
    "cond_industry_bits", "cond_occupation_bits", "cond_privacy_mark", "employment_type", "wants_regular",
    "dispatch_ok", "contract_ok", "relocation_ok", "desired_monthly_income",
)


class Migration(migrations.Migration):

    dependencies = [
        ('seekers', '0017_listing_text'),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, previous_rows),
        migrations.RemoveIndex(model_name='listingfacet', name='listingfacet_newest_idx'),
        migrations.RemoveIndex(model_name='listingtext', name='listingtext_newest_idx'),
        *[migrations.RemoveField(model_name='listingtext', name=name) for name in COPIED],
        migrations.AddField(
            model_name='listingfacet', name='text_sig_lo', field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='listingfacet', name='text_sig_hi', field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(signature_and_rows, no_signature),
        migrations.AddIndex(
            model_name='listingfacet',
            index=models.Index(fields=['token', '-published_at', '-public_id'], include=('profile', 'listed_until', 'listed_provision', 'cond_kind_bits', 'cond_region_bits', 'cond_industry_bits', 'cond_occupation_bits', 'cond_privacy_mark', 'employment_type', 'wants_regular', 'dispatch_ok', 'contract_ok', 'relocation_ok', 'desired_monthly_income', 'facets', 'text_sig_lo', 'text_sig_hi'), name='listingfacet_newest_idx'),
        ),
    ]
