"""A seeker with a record of every kind the 開示 covers (used by the my-data tests)."""

from compliance import services
from compliance.tests.factories import DeletionRequestFactory
from messaging.tests.factories import ConversationFactory, MessageFactory
from organizations.tests.factories import OrganizationFactory
from seekers import services as seeker_services
from seekers.models import ProfileView


def records_for(account, *, tag: str, conversations: int = 2, messages: int = 3) -> dict:
    """Every kind of record for `account`, its texts marked with `tag` so a test can tell whose they
    are: blocks, conditions, conversations with messages, profile views, an answered deletion request,
    a complaint, a correction request, and the audit events these services write."""
    user = account.user
    blocked = OrganizationFactory(name=f"ブロック団体{tag}")
    seeker_services.block_add(actor=user, account=account, organization_id=blocked.pk)
    seeker_services.conditions_set(actor=user, account=account, kinds=[0], regions=[12], industries=[],
                                   occupations=[], privacy_mark=True)
    convs = []
    for i in range(conversations):
        conversation = ConversationFactory(account=account, organization=OrganizationFactory(name=f"団体{tag}{i}"))
        for j in range(messages):
            MessageFactory(conversation=conversation, subject=f"件名{tag}-{i}-{j}", body=f"本文{tag}-{i}-{j}",
                           **({"reply": True} if j % 2 else {}))
        ProfileView.objects.create(profile_id=account.application_id, organization=conversation.organization)
        convs.append(conversation)
    deletion = DeletionRequestFactory(conversation=convs[0], answered=True, answer_note=f"削除しました{tag}")
    complaint = services.complaint_file(actor=user, account=account, conversation=convs[-1], body=f"苦情{tag}")
    correction = services.data_correction_request(actor=user, account=account, field="identity.address",
                                                  requested_value=f"新住所{tag}", reason=f"転居{tag}")
    return {"conversations": convs, "deletion": deletion, "complaint": complaint, "correction": correction,
            "blocked": blocked}
