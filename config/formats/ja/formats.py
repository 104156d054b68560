"""Input formats for Japanese pages (FORMAT_MODULE_PATH); Django's own ja formats give the rest.
Dates are accepted as staff write them: 2026-12-01, 2026/12/1 and 2026年12月1日 (full-width digits
are made half-width by the field's widget first). The first is the one a form shows its value in."""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
