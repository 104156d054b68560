"""Reads for the messaging pages. Which conversations an organisation may open, and how far, is its
access policy (messaging.access.conversations_for_org); these selectors order and page it."""

from django.db.models import Exists, F, OuterRef, QuerySet

from organizations.models import Organization
from seekers.models import Block, SeekerAccount

from .access import OrgAccess, conversations_for_org
from .models import Conversation, GuidanceTemplate, Message


def seeker_inbox(account: SeekerAccount) -> QuerySet[Message]:
    """メッセージ一覧: messages from organisations to this seeker, newest first (index
    msg_seeker_inbox_idx), each with its organisation and `sender_blocked` (a probe of block_unique
    per row), and the seeker's own account and application joined once more by primary key, so that
    the block actions of the page (seekers.services.block_check reads the reachability) cost no query."""
    blocked = Block.objects.filter(account=account, organization_id=OuterRef("organization_id"))
    return (
        Message.objects.filter(account=account, sender=Message.Sender.ORGANIZATION)
        .select_related("organization", "account__application")
        .annotate(sender_blocked=Exists(blocked))
        .order_by("-created_at", "-id")
    )


def seeker_unread_count(account: SeekerAccount) -> int:
    return Message.objects.filter(account=account, sender=Message.Sender.ORGANIZATION, read_at__isnull=True).count()


def thread(conversation: Conversation) -> QuerySet[Message]:
    return Message.objects.filter(conversation=conversation).order_by("created_at", "id")


def org_conversations(organization: Organization) -> QuerySet[Conversation]:
    """The conversations an organisation may still open (not GONE), each with its `org_access`.
    Access ends (retention rule, README) when the seeker stops, the period ends, or a 削除・廃棄
    request is answered; staff keep the rows."""
    return conversations_for_org(organization)


def org_inbox(organization: Organization, *, apply_only: bool = False) -> QuerySet[Conversation]:
    """Conversations with unread replies first, then the most recent (index conv_org_inbox_idx).
    The seeker appears only by the profile's public id. The 求職申込み希望 filter leaves out the
    withdrawn ones: that a seeker asked to apply is part of the content the organisation lost."""
    queryset = org_conversations(organization)
    if apply_only:
        queryset = queryset.filter(apply_requested_at__isnull=False).exclude(org_access=OrgAccess.WITHDRAWN)
    return queryset.annotate(public_id=F("account__application__profile__public_id")).order_by(
        "-org_unread", "-last_message_at", "-id"
    )


INBOX_PAGE = 20


def org_inbox_page(organization: Organization, *, page: int = 1, apply_only: bool = False):
    """One page of the inbox and whether another follows: one query, no COUNT over thousands of
    conversations and their joins (bench_messages)."""
    start = (max(page, 1) - 1) * INBOX_PAGE
    rows = list(org_inbox(organization, apply_only=apply_only)[start : start + INBOX_PAGE + 1])
    return rows[:INBOX_PAGE], len(rows) > INBOX_PAGE


def org_conversation_with(organization: Organization, account_id: int) -> Conversation | None:
    return Conversation.objects.filter(organization=organization, account_id=account_id).first()


def guidance_templates(organization: Organization) -> QuerySet[GuidanceTemplate]:
    """The organisation's guidance templates, by name (the list page and the guidance form's chooser)."""
    return GuidanceTemplate.objects.filter(organization=organization).order_by("name", "pk")
