"""{% search_result_rows results %}: the rows of the members' search results (templates/seekers/orgs/
search.html), written here rather than by a loop in the template: up to 100 rows of eight cells, each
with its card label, cost ~0.3 ms a row through the template engine and a few microseconds here
(bench_pages). Every value is escaped here, each once; the labels and badges are translated and escaped once per page."""

from html import escape as html_escape

from django import template
from django.urls import reverse
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from seekers.models import Profile

register = template.Library()

ROW = (
    '<tr>\n'
    '<td class="cell--select" data-label="{pick}"><input type="hidden" name="page_id" value="{id}">'
    '<input type="checkbox" name="public_id" value="{id}" id="pick-{id}"> '
    '<label class="visually-hidden" for="pick-{id}">{choose}</label></td>\n'
    '<td class="cell--title" data-label="{label_id}">{id}</td>\n'
    '<td class="cell--badge" data-label="{marker_label}">{marker}</td>\n'
    '<td class="cell--second" data-label="{job_label}">{job}</td>\n'
    '<td class="cell--text" data-label="{place_label}">{place}</td>\n'
    '<td class="cell--text" data-label="{type_label}">{type}</td>\n'
    '<td class="cell--text" data-label="{income_label}">{income}</td>\n'
    '<td class="cell--link" data-label="{detail}"><a href="{url}" aria-label="{detail_of}">{detail}</a></td>\n'
    '</tr>\n'
)
# A public id is 16 hexadecimal digits (seekers.Profile.public_id): the link is reversed once per page.
URL_STANDIN = "0" * 16


@register.simple_tag
def search_result_rows(results) -> SafeString:
    """The <tr> of each (profile, marker) of a results page (messaging's with_guidance_markers)."""
    labels = {
        "pick": gettext("選択"), "label_id": gettext("公開ID"), "marker_label": gettext("やりとり"),
        "job_label": gettext("希望する仕事"), "place_label": gettext("希望勤務地"),
        "type_label": gettext("希望就業形態"), "income_label": gettext("希望月収"), "detail": gettext("詳細"),
    }
    labels = {name: _escape(label) for name, label in labels.items()}
    checking, yen = _escape(gettext("(確認中)")), gettext("円")
    choose, detail_of = gettext("%(id)s を選ぶ"), gettext("%(id)s の詳細")
    types = {value: _escape(label) for value, label in Profile._meta.get_field("employment_type").flatchoices}
    amount = _grouped_number()
    url_before, url_after = reverse("seekers_orgs:profile", args=[URL_STANDIN]).split(URL_STANDIN)
    badges = {}
    html = []
    for row, marker in results:
        public_id = _escape(row.public_id)
        if marker is None:
            badge = "—"
        elif (badge := badges.get(marker)) is None:
            badge = badges[marker] = f'<span class="badge badge--{_escape(marker.value)}">{_escape(marker.label)}</span>'
        html.append(ROW.format(
            **labels, id=public_id,
            choose=_escape(choose % {"id": row.public_id}),
            marker=badge,
            job=checking if "desired_job" in row.withheld else _escape(row.desired_job),
            place=_escape(row.desired_prefecture.name),
            type=types.get(row.employment_type) or _escape(row.employment_type),
            income=_escape(f"{amount(row.desired_monthly_income)}{yen}") if row.desired_monthly_income else "—",
            url=_escape(url_before + row.public_id + url_after),
            detail_of=_escape(detail_of % {"id": row.public_id}),
        ))
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above


def _grouped_number():
    """humanize's intcomma for whole numbers (number_format with grouping forced), with the language's
    separators looked up once per page rather than three times a row."""
    language = get_language()
    decimal_separator, grouping, thousands = (get_format(name, language, use_l10n=True) for name in
                                              ("DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR"))
    return lambda value: numberformat.format(int(value), decimal_separator, None, grouping, thousands,
                                             force_grouping=True, use_l10n=True)


def _escape(value) -> str:
    """Django's escape (html.escape with quotes) of the value as text, without its check for a lazy
    translation on every call: a lazy label is made text here, once."""
    return html_escape(str(value))
