"""The search results' 案内済み / 返信あり / 求職申込み希望 markers (issue 16). The results page is the
seekers app's, which cannot ask messaging (the apps' arrows); its template asks here once per page."""

from django import template

from messaging.selectors import guidance_markers

register = template.Library()


@register.simple_tag
def with_guidance_markers(organization, rows) -> list[tuple]:
    """Each row of a results page with its marker (or None): one query for the whole page."""
    markers = guidance_markers(organization, [row.pk for row in rows])
    return [(row, markers.get(row.pk)) for row in rows]
