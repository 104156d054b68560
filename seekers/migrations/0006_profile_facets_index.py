"""The GIN index behind seekers.search.facets.HasFacets on PostgreSQL (other databases use LIKE and need
none), and the facets of the profiles that exist already."""

from django.db import migrations

# Not partial: PostgreSQL keeps statistics for the expression of a non-partial index only, and the
# planner needs them to tell a token held by 20% of profiles from one held by 0.1%.
INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS profile_facets_gin ON seekers_profile "
    "USING gin (to_tsvector('simple'::regconfig, facets))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX_SQL)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS profile_facets_gin")


def backfill(apps, schema_editor):
    from seekers.search.facets import profile_facets

    profile_model = apps.get_model("seekers", "Profile")
    for profile in profile_model.objects.prefetch_related("planned_occupations", "qualifications").iterator(
        chunk_size=2000
    ):
        profile_model.objects.filter(pk=profile.pk).update(facets=profile_facets(profile))


class Migration(migrations.Migration):
    dependencies = [("seekers", "0005_profile_facets")]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
