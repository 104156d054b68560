import logging
from datetime import timedelta

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
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


@shared_task
def outbox_sweep(limit: int = 500) -> int:
    """Queue every unsent mail older than a minute (its on-commit queueing may have failed)."""
    cutoff = timezone.now() - timedelta(minutes=1)
    ids = list(
        OutgoingEmail.objects.filter(sent_at__isnull=True, created_at__lt=cutoff, attempts__lt=10)
        .filter(_unclaimed(timezone.now()))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for mail_id in ids:
        send_outgoing_email.delay(mail_id)
    return len(ids)
