"""The listing copy: the application/account half of the visibility rule (SPEC rule 10), kept on the
profile (Profile.listed_until, Profile.listed_provision) so that a search reads one table with no
per-row joins (measured with bench_search). Every service that changes one of its inputs (validity,
opt-in, 提供先区分, publication, a stop or resume) calls `profile_sync_listing` in its transaction."""

from django.db.models import Case, Exists, OuterRef, Q, Subquery, When
from django.utils import timezone

from seekers.models import JobApplication, Profile, SeekerAccount


def profile_sync_listing(*, application_ids) -> int:
    """Copy the application/account half of the visibility rule onto the profiles (set-based, one
    UPDATE): listed_until = 有効期限 while the seeker is reachable (SeekerAccount.objects.reachable:
    started, not stopped, period not ended), opted in and published; else NULL. The search compares
    listed_until with its own today, so a period still ends at midnight without a sync."""
    application = JobApplication.objects.filter(pk=OuterRef("pk"))
    reachable = SeekerAccount.objects.reachable(timezone.localdate()).filter(application_id=OuterRef("pk"))
    return Profile.objects.filter(pk__in=list(application_ids)).update(
        listed_provision=Subquery(application.values("provision")[:1]),
        listed_until=Case(
            When(
                Q(published_at__isnull=False)
                & Exists(reachable)
                & Exists(application.filter(opt_in=JobApplication.OptIn.YES)),
                then=Subquery(application.values("valid_until")[:1]),
            ),
            default=None,
        ),
    )
