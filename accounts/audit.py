from typing import Any

from django.db import models

from .models import AuditEvent


def audit(*, actor, verb: AuditEvent.Verb, target: models.Model | None = None, **data: Any) -> AuditEvent:
    """Record one audit event. Call inside the service's transaction so the record and the change
    commit together. The verbs are a closed vocabulary (AuditEvent.Verb): a free string raises
    ValueError here, before anything is written, not later as an unlabelled row in the admin."""
    verb = AuditEvent.Verb(verb)
    actor_obj = actor if getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        actor=actor_obj,
        actor_label=str(actor.get_username()) if actor_obj else (str(actor) if actor else "system"),
        verb=verb,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        data=data,
    )
