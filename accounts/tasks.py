import logging
from datetime import timedelta

from celery import shared_task
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutgoingEmail

logger = logging.getLogger(__name__)
CLAIM = timedelta(minutes=5)


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_outgoing_email(self, mail_id: int) -> bool:
    """Send one outbox mail. The conditional update is the claim: of a direct task and a sweep racing
    for the same row, only the one whose update counted sends it."""
    now = timezone.now()
    claimed = (
        OutgoingEmail.objects.filter(pk=mail_id, sent_at__isnull=True)
        .filter(_unclaimed(now))
        .update(claimed_until=now + CLAIM)
    )
    if not claimed:
        return False
    mail = OutgoingEmail.objects.get(pk=mail_id)
    message = EmailMultiAlternatives(mail.subject, mail.body, to=[mail.to])
    if mail.html_body:
        message.attach_alternative(mail.html_body, "text/html")
    try:
        message.send()
    except Exception as exc:
        OutgoingEmail.objects.filter(pk=mail_id).update(
            attempts=mail.attempts + 1, last_error=str(exc)[:2000], claimed_until=None
        )
        raise self.retry(exc=exc) from exc
    wipe = {"body": "", "html_body": ""} if mail.kind in OutgoingEmail.WIPED_AFTER_SENDING else {}
    OutgoingEmail.objects.filter(pk=mail_id).update(sent_at=timezone.now(), attempts=mail.attempts + 1, **wipe)
    return True


def _unclaimed(now) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


SWEEP_BATCH = 200


@shared_task
def outbox_sweep(limit: int = 100_000) -> int:
    """Queue every unsent mail older than a minute (its on-commit queueing may have failed), in tasks of
    SWEEP_BATCH mails each (send_outgoing_batch), walking the pending rows by id (keyset) so that
    100,000 of them cost 500 small reads and 500 tasks, not 100,000 (devtools' bench_nightly)."""
    cutoff = timezone.now() - timedelta(minutes=1)
    pending = (
        OutgoingEmail.objects.filter(sent_at__isnull=True, created_at__lt=cutoff, attempts__lt=10)
        .filter(_unclaimed(timezone.now()))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    queued, after = 0, 0
    while queued < limit:
        ids = list(pending.filter(pk__gt=after)[: min(SWEEP_BATCH, limit - queued)])
        if not ids:
            break
        send_outgoing_batch.delay(ids)
        queued += len(ids)
        after = ids[-1]
    return queued


@shared_task
def send_outgoing_batch(mail_ids: list[int]) -> int:
    """Send a batch of outbox mails over one mail connection: the claim is one locked read and one
    UPDATE (rows another sender holds are skipped), the sent ones are marked in one UPDATE per kind
    of wiping; a mail that fails is released with its error for the next sweep (attempts counts)."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            OutgoingEmail.objects.filter(pk__in=mail_ids, sent_at__isnull=True)
            .filter(_unclaimed(now))
            .select_for_update(skip_locked=True)
            .only("pk", "to", "kind", "subject", "body", "html_body")
        )
        OutgoingEmail.objects.filter(pk__in=[row.pk for row in rows]).update(claimed_until=now + CLAIM)
    if not rows:
        return 0
    sent = {True: [], False: []}
    with get_connection() as connection:
        for row in rows:
            message = EmailMultiAlternatives(row.subject, row.body, to=[row.to], connection=connection)
            if row.html_body:
                message.attach_alternative(row.html_body, "text/html")
            try:
                message.send()
            except Exception as exc:
                logger.warning("Could not send mail %s; the sweep will retry.", row.pk, exc_info=True)
                OutgoingEmail.objects.filter(pk=row.pk).update(
                    attempts=F("attempts") + 1, last_error=str(exc)[:2000], claimed_until=None
                )
                continue
            sent[row.kind in OutgoingEmail.WIPED_AFTER_SENDING].append(row.pk)
    done = timezone.now()
    for wiped, ids in sent.items():
        if ids:
            wipe = {"body": "", "html_body": ""} if wiped else {}
            OutgoingEmail.objects.filter(pk__in=ids).update(sent_at=done, attempts=F("attempts") + 1, **wipe)
    return len(sent[True]) + len(sent[False])
