import csv
import io
import unicodedata
from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from messaging.models import Conversation, Message
from organizations.models import Organization
from seekers.models import Block, ProfileView, SeekerAccount
from seekers.selectors import profiles_awaiting_pii_review

from .models import Complaint, CorrectionRequest, DeletionRequest, Suspension

# What makes a spreadsheet read a cell as a formula (or DDE, `|`) or hide what follows (tab, CR).
FORMULA_PREFIXES = ("=", "+", "-", "@", "|", "\t", "\r")


def csv_safe(value) -> str:
    """A cell a spreadsheet will not run as a formula. The first character is compared after NFKC,
    because Excel folds full-width and small forms (＝ ＋ － ＠ ｜, ﹦ ﹢ ﹣ ﹫) to their ASCII selves
    before deciding."""
    text = "" if value is None else str(value)
    first = unicodedata.normalize("NFKC", text[:1])
    return "'" + text if first.startswith(FORMULA_PREFIXES) else text


def to_csv(header: list[str], rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return "\ufeff" + buffer.getvalue()  # BOM so spreadsheet software reads UTF-8 Japanese


def seeker_conversations(account: SeekerAccount):
    return Conversation.objects.filter(account=account).select_related("organization").order_by("-last_message_at")


def seeker_complaints(account: SeekerAccount):
    return Complaint.objects.filter(account=account).select_related("organization").order_by("-created_at")


def organizations_that_saw(account: SeekerAccount):
    """The organisations a seeker may ask to delete (SPEC rule 18): those that viewed the profile
    (the ProfileView log) or messaged them, whatever their state now, each annotated with `viewed`
    and `messaged`."""
    viewed = ProfileView.objects.filter(profile_id=account.application_id, organization_id=OuterRef("pk"))
    messaged = Conversation.objects.filter(account=account, organization_id=OuterRef("pk"))
    return (
        Organization.objects.annotate(viewed=Exists(viewed), messaged=Exists(messaged))
        .filter(Q(viewed=True) | Q(messaged=True))
        .order_by("name", "pk")
    )


def accounts_seen_by(organization: Organization):
    """The same relation from the organisation's side: the seekers whose data it held (viewed or
    messaged), for the disposal duty at 利用解除."""
    return SeekerAccount.objects.filter(
        Q(application_id__in=ProfileView.objects.filter(organization=organization).values("profile_id"))
        | Q(pk__in=Conversation.objects.filter(organization=organization).values("account_id"))
    )


def seeker_deletion_rows(account: SeekerAccount) -> list[tuple]:
    """(organisation, its deletion request or None) for each organisation that saw the seeker."""
    requests = {r.organization_id: r for r in DeletionRequest.objects.filter(account=account)}
    return [(organization, requests.get(organization.pk)) for organization in organizations_that_saw(account)]


def org_deletion_requests(organization: Organization):
    return (
        DeletionRequest.objects.filter(organization=organization)
        .annotate(public_id=F("account__application__profile__public_id"))
        .order_by(F("answered_at").desc(nulls_first=True), "due_on")
    )


def deletion_duties_of(organization: Organization):
    """A revoked organisation's outstanding disposal: its unanswered requests, soonest due first."""
    return DeletionRequest.objects.filter(organization=organization, answered_at__isnull=True).order_by("due_on")


def evidence_rows(conversations) -> list[list]:
    """The on-site history (SPEC rule 19) as rows: conversation, time, sender, kind, subject, body,
    disclosures as sent."""
    rows = []
    for message in (
        Message.objects.filter(conversation__in=conversations)
        .select_related("organization")
        .order_by("conversation_id", "created_at", "id")
    ):
        disclosures = " / ".join(
            f"{DISCLOSURE_LABELS.get(k, k)}: {_disclosure_text(v)}" for k, v in message.disclosures.items()
        ) if message.disclosures else ""
        rows.append([
            message.conversation_id, timezone.localtime(message.created_at).isoformat(),
            message.get_sender_display(),
            message.get_kind_display(), message.subject, message.body, disclosures,
        ])
    return rows


EVIDENCE_HEADER = [_("やりとりID"), _("日時"), _("送信元"), _("種類"), _("件名"), _("本文"), _("必須記載事項")]
DISCLOSURE_LABELS = {name: Organization._meta.get_field(name).verbose_name for name in Organization.DISCLOSURE_SNAPSHOT}


def _disclosure_text(value) -> str:
    """A snapshot's value as text (the プライバシーマーク is a yes/no)."""
    if isinstance(value, bool):
        return _("あり") if value else _("なし")
    return str(value)


def usage_report(month: date) -> list[dict]:
    """利用状況の報告 for one month, per organisation: guidance sent, replies received, 求職申込み希望,
    辞退, blocks, deletion requests and answers, complaints. One grouped query per measure."""
    start = month.replace(day=1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    span = {"created_at__date__gte": start, "created_at__date__lt": end}

    def counts(queryset, key="organization_id"):
        return dict(queryset.values_list(key).annotate(n=Count("pk")).values_list(key, "n"))

    messages = Message.objects.filter(**span)
    measures = {
        "guidance": counts(messages.filter(kind=Message.Kind.GUIDANCE)),
        "replies": counts(messages.filter(sender=Message.Sender.SEEKER)),
        "apply": counts(messages.filter(kind=Message.Kind.APPLY)),
        "decline": counts(messages.filter(kind=Message.Kind.DECLINE)),
        "blocks": counts(Block.objects.filter(**span)),
        "deletion_requests": counts(DeletionRequest.objects.filter(requested_at__date__gte=start,
                                                                   requested_at__date__lt=end)),
        "deletion_answers": counts(DeletionRequest.objects.filter(answered_at__date__gte=start,
                                                                  answered_at__date__lt=end)),
        "complaints": counts(Complaint.objects.filter(**span)),
    }
    report = []
    for org in Organization.objects.filter(Q(approved_on__isnull=False)).order_by("name"):
        row = {"organization": org, **{key: values.get(org.pk, 0) for key, values in measures.items()}}
        report.append(row)
    return report


REPORT_COLUMNS = [
    ("guidance", _("案内メッセージ")), ("replies", _("返信")), ("apply", _("求職申込み希望")), ("decline", _("辞退")),
    ("blocks", _("ブロック")), ("deletion_requests", _("削除・廃棄の依頼")), ("deletion_answers", _("依頼への回答")),
    ("complaints", _("苦情申出")),
]


# --- What staff have to do (the admin index's counts, and the changelist filters they link to) ------

# A 是正要請 whose answer is due within this many days (or already late) is shown as due soon.
CORRECTION_DUE_SOON_DAYS = 7


def complaints_open(queryset=None):
    """苦情申出 not yet closed (受付 or 調査中)."""
    return (Complaint.objects.all() if queryset is None else queryset).exclude(status=Complaint.Status.DONE)


def deletion_requests_overdue(today: date, queryset=None):
    """削除・廃棄の依頼 still unanswered after their 回答期限 (the rule the nightly
    services.deletion_overdue_flag marks them by, read live)."""
    queryset = DeletionRequest.objects.all() if queryset is None else queryset
    return queryset.filter(answered_at__isnull=True, due_on__lt=today)


def correction_requests_due_soon(today: date, queryset=None):
    """是正要請 not answered whose 回答期限 is within CORRECTION_DUE_SOON_DAYS, or has passed."""
    queryset = CorrectionRequest.objects.all() if queryset is None else queryset
    return queryset.filter(answered_on__isnull=True, due_on__lte=today + timedelta(days=CORRECTION_DUE_SOON_DAYS))


def staff_work_counts(today: date, scope=None) -> dict[str, int]:
    """The admin index's counts of work waiting for staff, one COUNT query each. `scope(model)` is the
    queryset of the rows the staff member reaches (SPEC rule 23: the admin's own get_queryset), so a
    count agrees with the list its link opens."""

    def within(queryset):
        return queryset if scope is None else queryset.filter(pk__in=scope(queryset.model).values("pk"))

    return {
        "complaints_open": within(complaints_open()).count(),
        "deletion_requests_overdue": within(deletion_requests_overdue(today)).count(),
        "profiles_pii_review": within(profiles_awaiting_pii_review()).count(),
        "organizations_pending": within(Organization.objects.in_status(Organization.Status.PENDING, today)).count(),
        "corrections_due_soon": within(correction_requests_due_soon(today)).count(),
    }


def org_corrections(organization: Organization):
    """The 是正要請 addressed to this organisation, open ones first (by due date), then answered ones."""
    return (CorrectionRequest.objects.filter(organization=organization)
            .order_by(F("answered_on").asc(nulls_first=True), "due_on", "-pk"))


def org_suspensions(organization: Organization, today: date):
    """The organisation's suspensions in force today or still to come, earliest first."""
    return Suspension.objects.filter(organization=organization, ends_on__gte=today).order_by("starts_on", "pk")
