"""The search results' 案内済み / 返信あり / 求職申込み希望 markers (issue 16). The results page is the
seekers app's, which cannot ask messaging (the apps' arrows): each row comes with its guidance_marker
from the page's own statement (messaging.selectors.guidance_marker, registered in MessagingConfig.ready),
and its template asks here for the marker it names."""

from django import template

from messaging.selectors import GuidanceMarker

register = template.Library()


@register.simple_tag
def with_guidance_markers(rows) -> list[tuple]:
    """Each row of a results page with its marker (or None): no query, the page's statement read it."""
    return [(row, GuidanceMarker(row.guidance_marker) if row.guidance_marker else None) for row in rows]
