"""The `all` rows of the narrow listing in an index of their own (partial), holding only the columns the
visibility rule and a keyword test: seekers.search.narrow.ALL_TOKEN, bench_search."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('seekers', '0019_listing_inline_text'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='listingfacet',
            index=models.Index(condition=models.Q(('token', 'all')), fields=['-published_at', '-public_id'], include=('profile', 'listed_until', 'listed_provision', 'cond_kind_bits', 'cond_region_bits', 'cond_industry_bits', 'cond_occupation_bits', 'cond_privacy_mark', 'text_sig_lo', 'text_sig_hi', 'search_text'), name='listingfacet_all_idx'),
        ),
    ]
