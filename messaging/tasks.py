from datetime import timedelta

from celery import shared_task
from django.db.models import Max
from django.utils import timezone

from . import services
from .models import GuidanceBatch

# A batch whose items have not moved for this long is taken to have lost its task (never queued, or
# its worker died); re-running one that is still being sent is harmless (guidance_batch_item_send).
STALLED = timedelta(minutes=2)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def guidance_batch_run(batch_id: int) -> int:
    """Send a batch's pending items (queued when the batch is accepted)."""
    return services.guidance_batch_send(batch_id=batch_id)


@shared_task
def guidance_batches_resume(limit: int = 100) -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): queue again the unfinished batches that stalled."""
    cutoff = timezone.now() - STALLED
    ids = list(
        GuidanceBatch.objects.filter(finished_at__isnull=True, created_at__lt=cutoff)
        .annotate(moved_at=Max("items__updated_at"))
        .filter(moved_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for batch_id in ids:
        guidance_batch_run.delay(batch_id)
    return len(ids)
