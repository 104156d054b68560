"""The outbox's one writer. Every mail of the site (the services', allauth's through the adapter, the
nightly end-of-period notices) is rendered here and written as an OutgoingEmail row in the caller's
transaction; once that commits, the rows are published to Celery, and the sweep (tasks.outbox_sweep)
sends whatever could not be published."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string

from .models import OutgoingEmail
from .tasks import send_outgoing_email

logger = logging.getLogger(__name__)

# Publishing from a request: one attempt, each socket operation bounded by this many seconds. A broker
# that accepts connections but never answers (Redis stopped with SIGSTOP) would otherwise hold the
# request through Celery's publish retries, each reconnecting and waiting the workers' 5 s socket
# timeout: 25.6 s when the pool was connected before Redis hung, 5 s from a fresh process.
PUBLISH_TIMEOUT = 0.25


@dataclass(frozen=True)
class Mail:
    to: str
    kind: OutgoingEmail.Kind
    subject: str
    body: str
    html_body: str = ""

    def __post_init__(self):
        # The kinds are a closed vocabulary: a free string fails here (ValueError), not in the admin.
        object.__setattr__(self, "kind", OutgoingEmail.Kind(self.kind))


def mail_render(*, to: str, kind: OutgoingEmail.Kind, template: str, context: dict,
                subject_template: str = "") -> Mail:
    """`<template>.txt` is the text, `<template>.html` (when there is one) the HTML alternative and
    `<template>_subject.txt` (or `subject_template`) the subject, folded onto one line. Text is
    rendered without HTML escaping (an organisation named `A&B` stays `A&B`), HTML with it."""
    subject = _render_text(subject_template or f"{template}_subject.txt", context)
    try:
        html = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:
        html = ""
    return Mail(to=to, kind=kind, subject=" ".join(subject.split()),
                body=_render_text(f"{template}.txt", context), html_body=html)


def _render_text(name: str, context: dict) -> str:
    # The Django-language template under the backend's wrapper, so the Context's autoescape holds
    # for the whole render, {% blocktranslate %} variables and included templates too.
    return get_template(name).template.render(Context(context, autoescape=False))


def outbox_write(mails: Iterable[Mail]) -> list[OutgoingEmail]:
    """Write the mails in the caller's transaction; they are published only once it commits."""
    rows = OutgoingEmail.objects.bulk_create(
        OutgoingEmail(to=mail.to, kind=mail.kind, subject=mail.subject, body=mail.body, html_body=mail.html_body)
        for mail in mails
    )
    if rows:
        transaction.on_commit(partial(_publish, [row.pk for row in rows]))
    return rows


def email_queue(*, to: str, template: str, context: dict, kind: OutgoingEmail.Kind) -> OutgoingEmail:
    """One mail from templates (see mail_render), through the outbox."""
    [row] = outbox_write([mail_render(to=to, kind=kind, template=template, context=context)])
    return row


def _publish(mail_ids: list[int]) -> None:
    """Runs after the commit, still inside the request (see publish_once); what it could not queue
    the outbox sweep sends."""
    publish_once(send_outgoing_email, mail_ids, label="mail", left_to="the outbox sweep will retry")


def publish_once(task, ids: list[int], *, label: str, left_to: str) -> bool:
    """Queue `task(id)` once per id from inside a request: one broker connection with short
    timeouts and no retries, discarded afterwards so a timed-out socket is never reused. At the first
    failure the rest are left to the caller's sweep (`left_to` says which, in the log), so a hung
    broker costs the request one timeout, not one per call. Returns whether all were queued."""
    app = task.app
    connection = app.connection_for_write(
        connect_timeout=PUBLISH_TIMEOUT,
        transport_options={
            "socket_connect_timeout": PUBLISH_TIMEOUT,
            "socket_timeout": PUBLISH_TIMEOUT,
            "max_retries": 0,  # kombu's ensure_connection: a single connection attempt
        },
    )
    with connection:
        for index, row_id in enumerate(ids):
            try:
                task.apply_async((row_id,), connection=connection, retry=False)
            except Exception:  # broker down or hung: the sweep queues them later
                logger.warning("Could not queue %s %s; %s.", label, ", ".join(map(str, ids[index:])), left_to,
                               exc_info=True)
                return False
    return True
