"""Conversations and messages in a consistent state: a message's copies of the conversation's two ends
(`account`, `organization`) are always the conversation's own, and the conversation's summary fields
(last_message_at, org_unread, apply_requested_at) follow the messages the factory makes.

The services are the real way in (tests of rules use them); these factories build volume (list pages,
query budgets) and states that would otherwise take many service calls."""

import factory
from django.utils import timezone

from messaging.models import Conversation, Message
from organizations.models import Organization
from organizations.tests.factories import OrganizationFactory
from seekers.tests.factories import SeekerAccountFactory

DISCLOSURES = Organization.GUIDANCE_DISCLOSURES


def disclosures_of(organization) -> dict:
    """What a first guidance from this record keeps (SPEC rule 12): the disclosures with 名称,
    許可・届出番号 and プライバシーマーク, as organizations.services.disclosures_snapshot takes them."""
    return {name: getattr(organization, name) for name in Organization.DISCLOSURE_SNAPSHOT}


class ConversationFactory(factory.django.DjangoModelFactory):
    """A conversation an organisation opened with a seeker (no messages yet; see MessageFactory)."""

    class Meta:
        model = Conversation
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    account = factory.SubFactory(SeekerAccountFactory)
    last_message_at = factory.LazyFunction(timezone.now)


class MessageFactory(factory.django.DjangoModelFactory):
    """A guidance message from the organisation (the first of a conversation carries the disclosures).
    `reply=True` makes a seeker's question, `apply=True` a 求職申込み希望, `read=True` an opened one."""

    class Meta:
        model = Message
        skip_postgeneration_save = True

    conversation = factory.SubFactory(ConversationFactory)
    account = factory.LazyAttribute(lambda o: o.conversation.account)
    organization = factory.LazyAttribute(lambda o: o.conversation.organization)
    sender = Message.Sender.ORGANIZATION
    sender_user = None
    kind = Message.Kind.GUIDANCE
    subject = factory.Sequence(lambda n: f"求人のご案内 {n}")
    body = "介護職の求人をご紹介できます。ご興味があればご返信ください。"
    disclosures = factory.LazyAttribute(
        lambda o: disclosures_of(o.conversation.organization)
        if o.kind == Message.Kind.GUIDANCE and not o.conversation.messages.exists()
        else {}
    )
    read_at = None

    class Params:
        reply = factory.Trait(
            sender=Message.Sender.SEEKER,
            kind=Message.Kind.QUESTION,
            sender_user=factory.LazyAttribute(lambda o: o.conversation.account.user),
            subject=factory.Sequence(lambda n: f"質問 {n}"),
            body="勤務時間について教えてください。",
        )
        apply = factory.Trait(
            sender=Message.Sender.SEEKER,
            kind=Message.Kind.APPLY,
            sender_user=factory.LazyAttribute(lambda o: o.conversation.account.user),
            subject="求職申込みを希望します",
            body="職業紹介サービスの利用を希望します。",
        )
        read = factory.Trait(read_at=factory.LazyFunction(timezone.now))

    @factory.post_generation
    def summary(obj, create, extracted, **kwargs):
        """Keep the conversation's summary in step, as the services do."""
        if not create:
            return
        changes = {"last_message_at": obj.created_at}
        if obj.sender == Message.Sender.SEEKER and obj.read_at is None:
            changes["org_unread"] = True
        if obj.kind == Message.Kind.APPLY and obj.conversation.apply_requested_at is None:
            changes["apply_requested_at"] = obj.created_at
        Conversation.objects.filter(pk=obj.conversation_id).update(**changes)
        for name, value in changes.items():
            setattr(obj.conversation, name, value)
