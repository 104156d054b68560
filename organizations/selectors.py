"""Reads of the organisations' records: for staff, and the administrator's member pages."""

from django.db.models import F

from accounts.models import AuditEvent

from .models import Member, Organization


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


def organization_members(organization: Organization):
    """The organisation's current members (removed ones left out), administrators first, each with its
    user. One query."""
    return (Member.objects.filter(organization=organization, removed_at__isnull=True)
            .select_related("user").order_by("role", "display_name", "id"))


def member_audit_events(organization: Organization):
    """What the organisation's members did (issue 16): every audit event whose actor is or was one of
    its members (a removed member's events stay), newest first, each with the actor's 担当者名 and
    email read in the same query (`actor_name`, `actor_email`). The organisation's administrator pages
    it; members never move between organisations (the admin does not offer it), so an event is never
    shown to an organisation other than the one its actor belonged to."""
    return (AuditEvent.objects.filter(actor__membership__organization=organization)
            .annotate(actor_name=F("actor__membership__display_name"), actor_email=F("actor__email"))
            .order_by("-created_at", "-id"))
