"""Who may open and write in a conversation: the organisation's policy and the seeker's, each a
predicate that returns a reason, used by the services (which refuse with it) and by the views
(which decide from it what to show). The organisation's policy has its queryset form beside it,
for the inbox; messaging/tests/test_access.py checks that the two forms agree. The get_<object>_for
helpers are the one not-found convention: another party's object is a 404."""

from datetime import date

from django.db import models
from django.db.models import Case, Exists, F, OuterRef, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config import querymemo
from organizations.models import Organization
from seekers.models import SeekerAccount
from seekers.search.visibility import profiles_visible_to
from seekers.selectors import is_blocked

from .models import Conversation, GuidanceBatch, GuidanceTemplate, Message

# --- the organisation's side -------------------------------------------------------------------------


class OrgAccess(models.TextChoices):
    """What an organisation may do with one of its conversations."""

    OPEN = "open", _("やりとり中")
    # The seeker declined (辞退): the organisation reads the thread, and writes no more.
    CLOSED = "closed", _("辞退により終了")
    # The profile is no longer visible to the organisation (SPEC rule 10: a block, receive
    # conditions that exclude it, a 提供先区分 that leaves it out): it keeps only the fact that a
    # conversation existed and ended, not its content (SPEC rule 8; staff keep the content).
    WITHDRAWN = "withdrawn", _("求職情報の提供終了")
    # Access ended for good: the seeker stopped or the period ended (retention rule, README), or
    # the organisation answered a 削除・廃棄 request. Not listed; opening it is a 404.
    GONE = "gone", _("閲覧終了")

    @property
    def shows_content(self) -> bool:
        return self in (OrgAccess.OPEN, OrgAccess.CLOSED)

    @property
    def may_write(self) -> bool:
        return self == OrgAccess.OPEN


def org_access(organization: Organization, conversation: Conversation, *, today: date | None = None) -> OrgAccess:
    """The instance form. Reads conversation.account and its application (select_related them)
    and asks the visibility rule once."""
    today = today or timezone.localdate()
    if (
        conversation.organization_id != organization.pk
        or conversation.org_access_ended_at is not None
        or conversation.account.reachability(today) != SeekerAccount.Reachability.REACHABLE
    ):
        return OrgAccess.GONE
    if not profiles_visible_to(organization).filter(pk=conversation.account.application_id).exists():
        return OrgAccess.WITHDRAWN
    if conversation.declined_at is not None:
        return OrgAccess.CLOSED
    return OrgAccess.OPEN


def conversations_for_org(organization: Organization, *, today: date | None = None) -> QuerySet[Conversation]:
    """The queryset form: the organisation's conversations that are not GONE, each annotated with
    `org_access`, the value org_access gives it. The visibility clause is one EXISTS per row on the
    profile's primary key, so the inbox keeps its index plan (conv_org_inbox_idx).

    Built once per process for each organisation row (as read) and day (config.querymemo): the
    queryset depends on nothing else, and each caller gets a clone."""
    today = today or timezone.localdate()
    key = ("conversations_for_org", querymemo.row_key(organization), today)
    return querymemo.memoized(key, lambda: _conversations_for_org(organization, today)).all()


def _conversations_for_org(organization: Organization, today: date) -> QuerySet[Conversation]:
    conversations = Conversation.objects.filter(
        SeekerAccount.reachable_q(today, through="account"), organization=organization,
        org_access_ended_at__isnull=True,
    )
    if organization.status(today) != Organization.Status.ACTIVE:
        # Nothing is visible to it (profiles_visible_to is empty): every conversation is withdrawn.
        return conversations.annotate(org_access=Value(OrgAccess.WITHDRAWN.value, output_field=models.CharField()))
    visible = profiles_visible_to(organization).filter(pk=OuterRef("account__application_id"))
    return conversations.annotate(org_access=Case(
        When(~Exists(visible), then=Value(OrgAccess.WITHDRAWN.value)),
        When(declined_at__isnull=False, then=Value(OrgAccess.CLOSED.value)),
        default=Value(OrgAccess.OPEN.value),
        output_field=models.CharField(),
    ))


def get_conversation_for(organization: Organization, conversation_id: int) -> Conversation:
    """One of this organisation's conversations that it may still open, with `org_access` and the
    profile's `public_id`; another organisation's, or a GONE one, is a 404."""
    conversation = (
        conversations_for_org(organization)
        .select_related("account__application")
        .annotate(public_id=F("account__application__profile__public_id"))
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        raise Http404
    conversation.org_access = OrgAccess(conversation.org_access)
    return conversation


# --- the seeker's side -------------------------------------------------------------------------------


class SeekerWrite(models.TextChoices):
    """May the seeker write (reply, 求職申込み希望, 辞退) in one of their conversations, and if not,
    why. The label is what the seeker is told."""

    ALLOWED = "allowed", _("返信できます。")
    STOPPED = "stopped", _("アカウント利用停止中のため、メッセージは送信できません。")
    PERIOD_ENDED = "ended", _("利用期間が終了したため、メッセージは送信できません。")
    DECLINED = "declined", _("辞退したやりとりには返信できません。")
    BLOCKED = "blocked", _("ブロックしている利用団体には返信できません。")
    ORG_INACTIVE = "inactive", _("この利用団体は現在サービスを利用できないため、返信できません。")
    WITHDRAWN = "withdrawn", _(
        "メッセージ受信条件などにより、この利用団体には現在あなたの求職情報が提供されていないため、返信できません。"
    )


def seeker_may_write(account: SeekerAccount, conversation: Conversation, *,
                     today: date | None = None) -> SeekerWrite:
    """A seeker writes only where the organisation could read it: the seeker is reachable, has not
    declined, and the organisation may use the service and still sees the profile (SPEC rules 8–11,
    20). Reads account.application and conversation.organization (select_related them)."""
    if conversation.account_id != account.pk:
        raise ValueError("not this seeker's conversation")
    today = today or timezone.localdate()
    reachability = account.reachability(today)
    if reachability == SeekerAccount.Reachability.STOPPED:
        return SeekerWrite.STOPPED
    if reachability == SeekerAccount.Reachability.PERIOD_ENDED:
        return SeekerWrite.PERIOD_ENDED
    if conversation.declined_at is not None:
        return SeekerWrite.DECLINED
    organization = conversation.organization
    if is_blocked(account=account, organization_id=organization.pk):
        return SeekerWrite.BLOCKED
    if organization.status(today) != Organization.Status.ACTIVE:
        return SeekerWrite.ORG_INACTIVE
    if not profiles_visible_to(organization).filter(pk=account.application_id).exists():
        return SeekerWrite.WITHDRAWN
    return SeekerWrite.ALLOWED


def get_message_for(account: SeekerAccount, message_id: int) -> Message:
    """A message of this seeker's, with its conversation and organisation; anyone else's is a 404."""
    message = (
        Message.objects.select_related("conversation__organization").filter(pk=message_id, account=account).first()
    )
    if message is None:
        raise Http404
    return message


# --- guidance templates: an organisation's own, every member of it may use and change them ----------


def get_guidance_template_for(organization: Organization, template_id) -> GuidanceTemplate:
    """A template of this organisation; 404 for another organisation's, an unknown id, or an id that is
    no number (the guidance form's ?template= is typed into a URL)."""
    text = str(template_id)
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise Http404
    found = GuidanceTemplate.objects.filter(pk=int(text), organization=organization).first()
    if found is None:
        raise Http404
    return found


# --- guidance batches ----------------------------------------------------------------------------


def batches_for_org(organization: Organization) -> QuerySet[GuidanceBatch]:
    """The queryset form: an organisation's batches are its own, whichever member sent them."""
    return GuidanceBatch.objects.filter(organization=organization)


def get_batch_for(organization: Organization, batch_id: int) -> GuidanceBatch:
    """One of this organisation's batches; another organisation's is a 404."""
    batch = batches_for_org(organization).filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    return batch
