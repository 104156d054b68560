"""Reads of the organisations' records for staff."""

from accounts.models import AuditEvent

from .models import Organization


def disclosure_changes(organization: Organization) -> list[dict]:
    """The edits of the organisation's disclosures (SPEC rule 12), newest first, each with who made it
    and every changed field's value before and after, as organization_disclosures_update recorded
    them. Staff read them in the organisation's history beside its violations: the leaflet counts
    fees differing from the first notice as 不正な個人情報取得. One query."""
    events = AuditEvent.objects.filter(
        verb=AuditEvent.Verb.ORGANIZATION_DISCLOSURES_UPDATE,
        target_type=Organization._meta.label, target_id=str(organization.pk),
    ).order_by("-created_at", "-id")
    labels = {name: Organization._meta.get_field(name).verbose_name for name in Organization.APPROVAL_FIELDS}
    return [
        {
            "at": event.created_at, "actor": event.actor_label,
            "changes": [(labels.get(name, name), before, event.data.get("after", {}).get(name, ""))
                        for name, before in event.data.get("before", {}).items()],
        }
        for event in events
    ]
