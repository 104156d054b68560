import logging

from django.db import transaction
from django.template.loader import render_to_string

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

# Mails that carry a secret (認証キー, password link): their text is wiped once sent.
SENSITIVE_KINDS = {"auth_key", "password_reset_key"}


def email_queue(*, to: str, template: str, context: dict, kind: str) -> OutgoingEmail:
    """Render `<template>_subject.txt`, `.txt` and `.html` and put the mail in the outbox. Called
    inside the caller's transaction: the Celery task is queued only once it commits."""
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    mail = OutgoingEmail.objects.create(to=to, subject=subject, body=body, html_body=html, kind=kind)
    enqueue_on_commit(mail.pk)
    return mail


def enqueue_on_commit(mail_id: int) -> None:
    transaction.on_commit(lambda: _enqueue(mail_id))


def _enqueue(mail_id: int) -> None:
    from .tasks import send_outgoing_email

    try:
        send_outgoing_email.delay(mail_id)
    except Exception:  # broker down: the outbox sweep sends it later
        logger.warning("Could not queue mail %s; the outbox sweep will retry.", mail_id, exc_info=True)
