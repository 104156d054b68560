# Written by hand on 2026-12-04: the released text on the listing rows that keyword searches drive on,
# inside the listing's covering index, so the keyword's substring test reads no other table there.
# ruff: noqa: S105, S608 - the SQL here interpolates only this file's own constants, never input.

import importlib

from django.db import migrations, models

previous = importlib.import_module("seekers.migrations.0018_listing_signature_pairs")

# The rows that carry the text: the driver of a keyword alone ('all') and of a keyword with a prefecture
# ('pf13'), when the text and the facets, the entry's two columns of any length, are short enough for a
# btree entry (2,704 bytes at most, with the key and the other included columns, about 130 bytes). On
# every other row the column is NULL and the search reads ListingText.
INLINE_MAX_BYTES = 2000
CARRIES = ("(t.token = 'all' OR t.token ~ '^pf[0-9]+$') "
           f"AND octet_length({{p}}.search_text) + octet_length({{p}}.facets) <= {INLINE_MAX_BYTES}")
INLINE = f"CASE WHEN {CARRIES} THEN {{p}}.search_text END"


def rows_of(p: str, source: str = "") -> str:
    """0018's rows of profile row `p`, each with its inline text (or NULL)."""
    return _replaced_once(previous.rows_of(p, source), "s.sig[1], s.sig[2]",
                          f"s.sig[1], s.sig[2], {INLINE.format(p=p)}")


def _replaced_once(sql: str, old: str, new: str) -> str:
    if sql.count(old) != 1:
        raise RuntimeError(f"0018's SQL no longer holds {old!r} once")
    return sql.replace(old, new)


INSERT = previous.INSERT.replace("text_sig_hi)", "text_sig_hi, search_text)")
TEXT_INSERT, LISTED = previous.TEXT_INSERT, previous.LISTED

# 0018's trigger function, writing the rows with their inline text.
FUNCTION = _replaced_once(previous.FUNCTION, f"{previous.INSERT} {previous.rows_of('NEW')}",
                          f"{INSERT} {rows_of('NEW')}")


def inline_text(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # elsewhere the tables stay empty and the search reads seekers_profile
    schema_editor.execute(FUNCTION)
    schema_editor.execute(
        "UPDATE seekers_listingfacet t SET search_text = p.search_text FROM seekers_profile p "
        f"WHERE t.profile_id = p.application_id AND {CARRIES.format(p='p')}"
    )


def no_inline_text(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(previous.FUNCTION)


class Migration(migrations.Migration):

    dependencies = [
        ('seekers', '0018_listing_signature_pairs'),
    ]

    operations = [
        migrations.RemoveIndex(model_name='listingfacet', name='listingfacet_newest_idx'),
        migrations.AddField(
            model_name='listingfacet', name='search_text', field=models.TextField(null=True),
        ),
        migrations.RunPython(inline_text, no_inline_text),
        migrations.AddIndex(
            model_name='listingfacet',
            index=models.Index(fields=['token', '-published_at', '-public_id'], include=('profile', 'listed_until', 'listed_provision', 'cond_kind_bits', 'cond_region_bits', 'cond_industry_bits', 'cond_occupation_bits', 'cond_privacy_mark', 'employment_type', 'wants_regular', 'dispatch_ok', 'contract_ok', 'relocation_ok', 'desired_monthly_income', 'facets', 'text_sig_lo', 'text_sig_hi', 'search_text'), name='listingfacet_newest_idx'),
        ),
    ]
