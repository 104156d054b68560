"""Input formats for English pages (FORMAT_MODULE_PATH): the Japanese forms first, since the dates
come from Japanese documents whatever the page's language, then Django's own English ones."""

from django.conf.locale.en.formats import DATE_INPUT_FORMATS as ENGLISH_DATE_INPUT_FORMATS

from config.formats.ja.formats import DATE_INPUT_FORMATS as JAPANESE_DATE_INPUT_FORMATS

DATE_INPUT_FORMATS = [*JAPANESE_DATE_INPUT_FORMATS,
                      *(f for f in ENGLISH_DATE_INPUT_FORMATS if f not in JAPANESE_DATE_INPUT_FORMATS)]
