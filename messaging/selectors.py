"""Reads for the messaging pages. Which conversations an organisation may open, and how far, is its
access policy (messaging.access.conversations_for_org); these selectors order and page it."""

from django.db import connection, models, router
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config import querymemo
from organizations.models import Organization
from seekers.models import Block, SeekerAccount

from .access import OrgAccess, batches_for_org, conversations_for_org
from .models import (
    Conversation,
    DailyGuidanceCount,
    GuidanceBatch,
    GuidanceBatchItem,
    GuidanceTemplate,
    Message,
)


def seeker_inbox(account) -> QuerySet[Message]:
    """メッセージ一覧: messages from organisations to this seeker (a SeekerAccount, or a querymemo.Param of
    its id), newest first (index msg_seeker_inbox_idx), each with its organisation and `sender_blocked`
    (a probe of block_unique per row), and the seeker's own account and application joined once more by
    primary key, so that the block actions of the page (seekers.services.block_check reads the
    reachability) cost no query."""
    blocked = Block.objects.filter(account=account, organization_id=OuterRef("organization_id"))
    return (
        Message.objects.filter(account=account, sender=Message.Sender.ORGANIZATION)
        .select_related("organization", "account__application")
        .annotate(sender_blocked=Exists(blocked))
        .order_by("-created_at", "-id")
    )


class SeekerInboxPages:
    """メッセージ一覧 as django.core.paginator reads it (it sets the count, then slices once per page):
    each slice is seeker_inbox's statement for that slice, compiled once per process (querymemo) with
    the seeker as its one value."""

    def __init__(self, account: SeekerAccount):
        self.account_id = account.pk

    def __getitem__(self, part: slice) -> list[Message]:
        start, stop = part.start or 0, part.stop
        if stop is not None and stop <= start:
            return []  # the paginator's slice of an empty list: no statement (Django compiles none for it)
        return querymemo.memoized_rows(
            ("seeker_inbox_page", start, stop),
            lambda: seeker_inbox(querymemo.Param("account", models.IntegerField()))[start:stop],
            {"account": self.account_id},
        )


def _seeker_unread(account: SeekerAccount) -> QuerySet[Message]:
    return Message.objects.filter(account=account, sender=Message.Sender.ORGANIZATION, read_at__isnull=True)


def seeker_unread_count(account: SeekerAccount) -> int:
    """The header's 未読 count (msg_seeker_unread_idx)."""
    return _seeker_unread(account).count()


def seeker_inbox_counts(account: SeekerAccount) -> tuple[int, int]:
    """(messages in メッセージ一覧, of them unread) in one statement of two scalar counts, each on its own
    index (msg_seeker_inbox_idx, msg_seeker_unread_idx): the list's paginator and the header's count,
    read where the list is (the replica under @replica_reads, config.db_router). The statement is
    compiled once per process with the seeker as its one value (config.querymemo)."""
    sql, params = querymemo.memoized(("seeker_inbox_counts",), _seeker_inbox_counts_sql)
    with querymemo.cursor(router.db_for_read(Message)) as cursor:
        cursor.execute(sql, querymemo.fill(params, {"account": account.pk}))
        total, unread = cursor.fetchone()
    return total, unread


def _seeker_inbox_counts_sql() -> tuple[str, tuple]:
    account = querymemo.Param("account", models.IntegerField())
    total = Message.objects.filter(account=account, sender=Message.Sender.ORGANIZATION)
    total_sql, total_params = total.order_by().values("pk").query.sql_with_params()
    unread_sql, unread_params = _seeker_unread(account).order_by().values("pk").query.sql_with_params()
    return (f"SELECT (SELECT COUNT(*) FROM ({total_sql}) AS inbox), "  # noqa: S608
            f"(SELECT COUNT(*) FROM ({unread_sql}) AS unread)", (*total_params, *unread_params))


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
    today = timezone.localdate()
    key = ("org_inbox", querymemo.row_key(organization), today, apply_only)
    return querymemo.memoized(key, lambda: _org_inbox(organization, today, apply_only)).all()


def _org_inbox(organization: Organization, today, apply_only: bool) -> QuerySet[Conversation]:
    queryset = conversations_for_org(organization, today=today)
    if apply_only:
        queryset = queryset.filter(apply_requested_at__isnull=False).exclude(org_access=OrgAccess.WITHDRAWN)
    return queryset.annotate(public_id=F("account__application__profile__public_id")).order_by(
        "-org_unread", "-last_message_at", "-id"
    )


INBOX_PAGE = 20


def org_inbox_page(organization: Organization, *, page: int = 1, apply_only: bool = False):
    """One page of the inbox and whether another follows: one query, no COUNT over thousands of
    conversations and their joins (bench_messages). The statement is kept as SQL per organisation row, day,
    filter and page (config.querymemo; compiling it cost ~2 ms a request) and read as model rows with their
    `org_access` and `public_id`, where the list is read (the replica under @replica_reads)."""
    start = (max(page, 1) - 1) * INBOX_PAGE
    today = timezone.localdate()
    key = ("org_inbox_page", querymemo.row_key(organization), today, apply_only, start)
    sql, params = querymemo.memoized(key, lambda: org_inbox(organization, apply_only=apply_only)[
        start : start + INBOX_PAGE + 1].query.sql_with_params())
    rows = list(Conversation.objects.raw(sql, params))
    return rows[:INBOX_PAGE], len(rows) > INBOX_PAGE


def org_conversation_with(organization: Organization, account_id: int) -> Conversation | None:
    return Conversation.objects.filter(organization=organization, account_id=account_id).first()


def guidance_templates(organization: Organization) -> QuerySet[GuidanceTemplate]:
    """The organisation's guidance templates, by name (the list page and the guidance form's chooser)."""
    return GuidanceTemplate.objects.filter(organization=organization).order_by("name", "pk")


# --- guidance batches and what the search results know (issue 16) ---------------------------------


class GuidanceMarker(models.TextChoices):
    """What a search result says about the organisation's history with that seeker, the strongest
    first: a 求職申込み希望 outranks a reply, a reply outranks the guidance alone."""

    DECLINED = "declined", _("辞退")
    APPLY = "apply", _("求職申込み希望")
    REPLIED = "replied", _("返信あり")
    GUIDED = "guided", _("案内済み")


def guidance_marker(organization: Organization) -> Subquery:
    """The marker of a search results row (GuidanceMarker's value, or None), as an expression over the
    row's Profile: the organisation's conversation with that seeker (the unique (organization, account)
    pair, and one probe of msg_thread_idx for a seeker's message), the strongest first. A conversation
    whose access ended (retention, a 削除・廃棄 answer) marks nothing; such a profile is not in the results
    anyway. The search reads it in the page's own statement (registered as the results rows'
    `guidance_marker` by MessagingConfig.ready: seekers.search.paging.ROW_ANNOTATIONS)."""
    seeker_wrote = Message.objects.filter(conversation=OuterRef("pk"), sender=Message.Sender.SEEKER)
    marked = Case(
        When(declined_at__isnull=False, then=Value(GuidanceMarker.DECLINED.value)),
        When(apply_requested_at__isnull=False, then=Value(GuidanceMarker.APPLY.value)),
        When(Exists(seeker_wrote), then=Value(GuidanceMarker.REPLIED.value)),
        default=Value(GuidanceMarker.GUIDED.value),
        output_field=models.CharField(),
    )
    # The seeker's account first, then the conversation by its unique (organization, account) pair: a
    # join from the organisation's conversations would walk all of them for each row wherever
    # PostgreSQL guesses the organisation has few.
    account = SeekerAccount.objects.filter(application_id=OuterRef(OuterRef("pk"))).values("pk")[:1]
    return Subquery(
        Conversation.objects.filter(organization_id=organization.pk, account_id=Subquery(account),
                                    org_access_ended_at__isnull=True)
        .annotate(marker=marked).values("marker")[:1],
        output_field=models.CharField(),
    )


def org_header(organization: Organization) -> tuple[int, int]:
    """(conversations with an unread reply, guidance messages sent today) for the navigation of every
    organisation page, in one statement of two scalar subqueries (the organisation row itself is not
    read again: member_required did). Unread counts as the inbox shows it: the conversations the
    organisation may still open and read (a withdrawn one's reply is content it lost); the count
    walks the unread prefix of conv_org_inbox_idx. The statement is built once per process for each
    organisation row and day (config.querymemo): it depends on nothing else."""
    today = timezone.localdate()
    sql, params = querymemo.memoized(("org_header", querymemo.row_key(organization), today),
                                     lambda: _org_header_sql(organization, today))
    with querymemo.cursor(connection.alias) as cursor:
        cursor.execute(sql, params)
        unread_count, sent_today = cursor.fetchone()
    return unread_count or 0, sent_today or 0


def _org_header_sql(organization: Organization, today) -> tuple[str, tuple]:
    unread = (conversations_for_org(organization, today=today).filter(org_unread=True)
              .exclude(org_access=OrgAccess.WITHDRAWN))
    sent = DailyGuidanceCount.objects.filter(organization=organization, day=today).values("count")
    unread_sql, unread_params = unread.order_by().values("pk").query.sql_with_params()
    sent_sql, sent_params = sent.query.sql_with_params()
    return (f"SELECT (SELECT COUNT(*) FROM ({unread_sql}) AS unread), ({sent_sql})",  # noqa: S608
            (*unread_params, *sent_params))


def org_batches(organization: Organization) -> QuerySet[GuidanceBatch]:
    """The organisation's batches, newest first, each with its counts by state (one grouped join)."""
    return (
        batches_for_org(organization)
        .select_related("created_by")
        .annotate(**_item_counts("items__"))
        .order_by("-created_at", "-id")
    )


def batch_progress(batch: GuidanceBatch) -> dict:
    """送信済み / 送信せず / 送信待ち of one batch (one aggregate), and the skipped items with their reason."""
    counts = GuidanceBatchItem.objects.filter(batch=batch).aggregate(**_item_counts(""))
    skipped = list(
        GuidanceBatchItem.objects.filter(batch=batch, state=GuidanceBatchItem.State.SKIPPED)
        .order_by("position").values_list("public_id", "skip_reason")
    )
    return {
        **counts, "total": counts["sent"] + counts["skipped"] + counts["pending"],
        "skipped_items": [(public_id, GuidanceBatchItem.Skip(reason).label) for public_id, reason in skipped],
        "done": counts["pending"] == 0,
    }


def _item_counts(prefix: str) -> dict:
    state = f"{prefix}state"
    return {
        name: Count(f"{prefix}pk" if prefix else "pk", filter=Q(**{state: value}))
        for name, value in (("sent", GuidanceBatchItem.State.SENT), ("skipped", GuidanceBatchItem.State.SKIPPED),
                            ("pending", GuidanceBatchItem.State.PENDING))
    }
