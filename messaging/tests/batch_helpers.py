"""What the guidance-batch tests share: a batch accepted through the service, sent as the task sends it."""

from messaging import services
from messaging.models import GuidanceBatchItem
from messaging.tests.helpers import public_id

SUBJECT = "介護職の求人のご案内"
BODY = "首都圏の介護施設の求人を多数取り扱っています。"


def accept(member, organization, accounts_or_ids, **kwargs):
    """A batch to these seekers (accounts, or public ids as a hand-made POST would carry them)."""
    ids = [a if isinstance(a, str) else public_id(a) for a in accounts_or_ids]
    return services.guidance_batch_create(
        actor=member, organization=organization, public_ids=ids, subject=kwargs.get("subject", SUBJECT),
        body=kwargs.get("body", BODY),
    )


def states(batch) -> dict[str, str]:
    """public id → state of each item."""
    return dict(GuidanceBatchItem.objects.filter(batch=batch).values_list("public_id", "state"))
