"""開示 (個人情報保護法 第33条): everything the site holds about one seeker, for that seeker only.

It lives in compliance because it spans the apps (seekers' application and profile, messaging's
conversations, compliance's requests and complaints, accounts' audit events), and only compliance may
import them all. Two readers share it:

- the page (`my_data_page`): every part in full except the two that grow without bound (messages and
  profile views / audit events), which are paged (messages, MESSAGES_PER_PAGE across all conversations
  in conversation order) or capped at HTML_LIST_LIMIT newest rows with the total count;
- the JSON download (`my_data_json_chunks`): complete, streamed — the messages are read with an
  iterator and written conversation by conversation, so a seeker with thousands of messages costs a
  bounded amount of memory. Its shape is documented in docs/my-data.md (schema "kyushoku-my-data/1").

Both read a constant number of queries whatever the number of rows (compliance/tests/test_my_data*).
"""

import json
from collections.abc import Iterator
from datetime import date, datetime

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.dates import format_day, format_moment
from accounts.models import AuditEvent
from messaging.models import Conversation, Message
from seekers.forms import ConditionsForm
from seekers.models import (
    ApplicantIdentity,
    ApplicationSheet,
    Block,
    JobApplication,
    Profile,
    ProfileView,
    SeekerAccount,
    profile_prefetches,
)
from seekers.presenters import LABELS as PROFILE_ROW_LABELS
from seekers.presenters import ROWS, profile_rows
from seekers.services import (
    APPLICATION_FIELDS,
    IDENTITY_FIELDS,
    PROFILE_RELATIONS,
    PROFILE_STAFF_FIELDS,
    SHEET_FIELDS,
)

from .models import Complaint, DataCorrectionRequest, DeletionRequest
from .selectors import DISCLOSURE_LABELS

SCHEMA = "kyushoku-my-data/1"
MESSAGES_PER_PAGE = 50
HTML_LIST_LIMIT = 100


# --- The fields a seeker may ask to correct (訂正等の請求) ------------------------------------------

_PARTS = (
    ("application", JobApplication, APPLICATION_FIELDS),
    ("identity", ApplicantIdentity, IDENTITY_FIELDS),
    ("sheet", ApplicationSheet, SHEET_FIELDS),
    ("profile", Profile, [*PROFILE_STAFF_FIELDS, *PROFILE_RELATIONS, "places"]),
)
_PART_LABELS = {"application": gettext_lazy("求職申込"), "identity": gettext_lazy("本人情報"),
                "sheet": gettext_lazy("求職申込書"), "profile": gettext_lazy("公開求職情報")}
# application_save's audit event: which list of changed names belongs to which part.
_AUDIT_LISTS = {"application": "changed", "identity": "identity_changed", "sheet": "sheet_changed",
                "profile": "profile_changed"}


def _label(model, name: str) -> str:
    return str(PROFILE_ROW_LABELS[name]) if name in PROFILE_ROW_LABELS else str(model._meta.get_field(name).verbose_name)


def correctable_fields() -> list[tuple[str, str]]:
    """("<part>.<field>", label) for every field staff enter through seekers.services.application_save
    (the 求職申込, the identity, the 求職申込書's own values and the published profile with its
    希望勤務地): the only fields a 訂正等の請求 can name, and the names its audit event records as changed."""
    return [
        (f"{part}.{name}", f"{_PART_LABELS[part]}: {_label(model, name)}")
        for part, model, names in _PARTS for name in names
    ]


def correctable_field_label(key: str) -> str:
    return dict(correctable_fields()).get(key, key)


def changed_names_in(event: AuditEvent) -> set[str]:
    """The "<part>.<field>" names an application.update audit event says it changed."""
    data = event.data or {}
    return {f"{part}.{name}" for part, key in _AUDIT_LISTS.items() for name in data.get(key, [])}


# --- Values as the seeker reads them -----------------------------------------------------------------


def _plain(value):
    """The values stay Python dates and datetimes: the page formats them (|day, |moment), the JSON
    writes them as ISO 8601 in Japan time (_json_default)."""
    return value


def _json_default(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value))


def _dumps(value, **kwargs) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default, **kwargs)


def _display(instance, name: str) -> str:
    value = getattr(instance, name)
    display = getattr(instance, f"get_{name}_display", None)
    if display is not None:
        return str(display())
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_moment(value)
    if isinstance(value, date):
        return format_day(value)
    return str(value)


def _account(account: SeekerAccount) -> SeekerAccount:
    return (SeekerAccount.objects.select_related("user", "application__identity", "application__profile__desired_prefecture",
                                                 "application__sheet__desired_prefecture",
                                                 "application__sheet__desired_municipality")
            .prefetch_related(*profile_prefetches("application__profile__"))
            .get(pk=account.pk))


def _actor_label(event: AuditEvent, user) -> str:
    """Who did it, by role: staff's and members' names are theirs, not the seeker's."""
    if event.actor_id is None:
        return _("システム")
    if event.actor_id == user.pk:
        return _("本人")
    return str(event.actor.get_role_display())


def _conditions(profile: Profile) -> list[dict]:
    form = ConditionsForm(profile=profile)
    rows = []
    for name in ("kinds", "regions", "industries", "occupations"):
        chosen = set(form.initial.get(name, []))
        labels = []
        for value, label in form.fields[name].choices:
            if isinstance(label, list | tuple):  # grouped (地方 → prefectures)
                labels += [str(sub) for key, sub in label if key in chosen]
            elif value in chosen:
                labels.append(str(label))
        rows.append({"field": name, "label": str(form.fields[name].label), "chosen": labels})
    rows.append({"field": "privacy_mark", "label": str(form.fields["privacy_mark"].label),
                 "chosen": [_("はい") if profile.cond_privacy_mark else _("いいえ")]})
    return rows


def _deletion_request(row: DeletionRequest) -> dict:
    """One 削除・廃棄の依頼 as the export shows it (one per organisation; the conversation is there
    when the organisation had written, and `origin` says whether the seeker asked or a 利用解除 did)."""
    return {
        "id": row.pk,
        "organization": row.organization.name,
        "origin": row.origin,
        "conversation_id": row.conversation_id,
        "requested_at": _plain(row.requested_at),
        "due_on": _plain(row.due_on),
        "answered_at": _plain(row.answered_at),
        "disposed_on": _plain(row.disposed_on),
        "answer_note": row.answer_note,
    }


def _audit_q(account: SeekerAccount, conversation_ids, deletion_ids, complaint_ids, correction_ids) -> Q:
    """The audit events about this seeker: done by them, or done to their account, application,
    profile, conversations, requests and complaints. Message events are left out (each message is
    in the export already, and there may be thousands)."""
    def about(model, ids):
        return Q(target_type=model._meta.label, target_id__in=[str(i) for i in ids])

    return (Q(actor=account.user_id) & ~Q(verb__startswith="message.")) | about(SeekerAccount, [account.pk]) \
        | about(JobApplication, [account.application_id]) | about(Profile, [account.application_id]) \
        | about(Conversation, conversation_ids) | about(DeletionRequest, deletion_ids) \
        | about(Complaint, complaint_ids) | about(DataCorrectionRequest, correction_ids)


def _audit_event(event: AuditEvent, user) -> dict:
    return {"at": _plain(event.created_at), "verb": event.verb, "label": str(event.get_verb_display()),
            "actor": _actor_label(event, user), "target_type": event.target_type, "data": event.data}


def _correction(row: DataCorrectionRequest) -> dict:
    return {"id": row.pk, "field": row.field, "field_label": correctable_field_label(row.field),
            "requested_value": row.requested_value, "reason": row.reason, "status": row.status,
            "status_label": str(row.get_status_display()), "answer_reason": row.answer_reason,
            "requested_at": _plain(row.created_at), "answered_at": _plain(row.answered_at)}


def _message(message: Message) -> dict:
    return {"id": message.pk, "sent_at": _plain(message.created_at), "sender": message.sender,
            "kind": message.kind, "kind_label": str(message.get_kind_display()), "subject": message.subject,
            "body": message.body, "disclosures": message.disclosures, "read_at": _plain(message.read_at)}


def _held(account: SeekerAccount) -> dict:
    """Every part except the messages, complete (the lists capped by the page are capped there)."""
    account = _account(account)
    application = account.application
    identity = getattr(application, "identity", None)
    profile = getattr(application, "profile", None)
    user = account.user
    conversations = list(
        Conversation.objects.filter(account=account).select_related("organization")
        .annotate(message_count=Count("messages")).order_by("created_at", "id")
    )
    deletions = list(DeletionRequest.objects.filter(account=account).select_related("organization")
                     .order_by("requested_at", "id"))
    complaints = list(Complaint.objects.filter(account=account).select_related("organization")
                      .order_by("created_at", "id"))
    corrections = list(DataCorrectionRequest.objects.filter(account=account).order_by("-created_at", "-id"))
    audit_q = _audit_q(account, [c.pk for c in conversations], [d.pk for d in deletions],
                       [c.pk for c in complaints], [c.pk for c in corrections])
    return {
        "account_obj": account, "user": user, "profile_obj": profile,
        "account": {
            "user_id": user.get_username(), "email": user.email,
            "registered_at": _plain(account.registered_at), "first_login_at": _plain(account.first_login_at),
            "stopped_at": _plain(account.stopped_at), "terms_version": account.terms_version,
            "terms_agreed_at": _plain(account.terms_agreed_at),
            "reachability": str(account.reachability(timezone.localdate()).label),
        },
        "application": [
            {"field": f"application.{name}", "label": str(JobApplication._meta.get_field(name).verbose_name),
             "value": _display(application, name)}
            for name in (*APPLICATION_FIELDS, "period_ended_at")
        ] + _sheet_rows(getattr(application, "sheet", None)),
        "identity": [
            {"field": f"identity.{name}", "label": str(ApplicantIdentity._meta.get_field(name).verbose_name),
             "value": _display(identity, name)}
            for name in IDENTITY_FIELDS
        ] if identity is not None else [],
        "profile": {
            "public_id": profile.public_id, "published_at": _plain(profile.published_at),
            "fields": [{"field": f"profile.{row['name']}", "label": str(row["label"]), "value": str(row["value"]),
                        "withheld_reasons": row.get("reasons", [])}
                       for row in _profile_rows(profile)],
        } if profile is not None else None,
        "receive_conditions": _conditions(profile) if profile is not None else [],
        "blocks": [{"organization": b.organization.name, "blocked_at": _plain(b.created_at)}
                   for b in Block.objects.filter(account=account).select_related("organization")
                   .order_by("created_at", "id")],
        "conversations": [
            {"id": c.pk, "organization": c.organization.name, "started_at": _plain(c.created_at),
             "last_message_at": _plain(c.last_message_at), "apply_requested_at": _plain(c.apply_requested_at),
             "declined_at": _plain(c.declined_at), "organization_access_ended_at": _plain(c.org_access_ended_at),
             "message_count": c.message_count}
            for c in conversations
        ],
        "deletion_requests": [_deletion_request(d) for d in deletions],
        "complaints": [{"id": c.pk, "organization": c.organization.name, "conversation_id": c.conversation_id,
                        "body": c.body, "status": c.status, "status_label": str(c.get_status_display()),
                        "filed_at": _plain(c.created_at), "updated_at": _plain(c.updated_at)}
                       for c in complaints],
        "correction_requests": [_correction(c) for c in corrections],
        "audit_q": audit_q,
    }


def _sheet_rows(sheet: ApplicationSheet | None) -> list[dict]:
    """The 求職申込書's own values of the items the 求職公開申込書 repeats (never published; the
    published ones are in the profile part)."""
    if sheet is None:
        return []
    prefix = _("求職申込書")
    return [{"field": f"sheet.{field.name}", "label": f"{prefix}: {field.verbose_name}",
             "value": _display(sheet, field.name)}
            for field in ApplicationSheet._meta.concrete_fields if not field.primary_key]


def _profile_rows(profile: Profile) -> list[dict]:
    rows = profile_rows(profile, for_organization=False)
    for row, (_number, name) in zip(rows, ROWS, strict=True):
        row["name"] = name
    return rows


def _views(account: SeekerAccount):
    return (ProfileView.objects.filter(profile_id=account.application_id).select_related("organization")
            .order_by("-viewed_at", "-id"))


def _view(view: ProfileView) -> dict:
    return {"organization": view.organization.name, "viewed_at": _plain(view.viewed_at)}


def my_data_page(account: SeekerAccount, *, page: int | str | None = 1) -> dict:
    """The page's context: every part, the messages paged across conversations, and the profile views
    and audit events capped at HTML_LIST_LIMIT newest with their totals (the JSON has them all).
    Queries: the account with its application, identity and profile (1) and the profile's four lists
    (4); the conditions' choices (3); conversations, deletion requests, complaints, corrections,
    blocks (5); views and audit events, each a page and a count (4); the messages' count and page (2)."""
    held = _held(account)
    user = held["user"]
    views = _views(account)
    events = AuditEvent.objects.filter(held.pop("audit_q")).select_related("actor").order_by("-created_at", "-id")
    messages = Paginator(
        Message.objects.filter(account=account).select_related("organization").order_by("conversation_id", "created_at", "id"),
        MESSAGES_PER_PAGE,
    ).get_page(page)
    held.update({
        "profile_views": [_view(v) for v in views[:HTML_LIST_LIMIT]], "profile_view_count": views.count(),
        "audit_events": [_audit_event(e, user) for e in events[:HTML_LIST_LIMIT]],
        "audit_event_count": events.count(),
        "messages_page": messages,
        "message_rows": [_message(m) | {
            "organization": m.organization.name, "conversation_id": m.conversation_id,
            "disclosure_rows": [(DISCLOSURE_LABELS.get(k, k), v) for k, v in (m.disclosures or {}).items()],
        } for m in messages],
        "list_limit": HTML_LIST_LIMIT,
    })
    return held


def my_data_json_chunks(account: SeekerAccount, *, generated_at: datetime | None = None) -> Iterator[str]:
    """The complete export as JSON text in pieces (for a StreamingHttpResponse): every part, each
    conversation with all its messages. Messages and views are read with iterators. The parts
    without messages are read now, before the response starts; the rest as it is sent."""
    return _json_chunks(account, _held(account), generated_at or timezone.now())


def _json_chunks(account: SeekerAccount, held: dict, generated_at: datetime) -> Iterator[str]:
    user = held["user"]
    audit_q = held.pop("audit_q")
    conversations = held.pop("conversations")
    head = {"schema": SCHEMA, "generated_at": _plain(generated_at)}
    head.update({key: held[key] for key in ("account", "application", "identity", "profile", "receive_conditions",
                                            "blocks", "deletion_requests", "complaints", "correction_requests")})
    text = _dumps(head, indent=1)
    yield text[:-2]  # without the closing "\n}", to append the streamed parts
    yield ',\n "profile_views": ['
    for i, view in enumerate(_views(account).iterator(chunk_size=1000)):
        yield ("," if i else "") + _dumps(_view(view))
    yield '],\n "audit_events": ['
    events = AuditEvent.objects.filter(audit_q).select_related("actor").order_by("created_at", "id")
    for i, event in enumerate(events.iterator(chunk_size=1000)):
        yield ("," if i else "") + _dumps(_audit_event(event, user))
    yield '],\n "conversations": ['
    by_id = {c["id"]: c for c in conversations}
    order = [c["id"] for c in conversations]
    messages = (Message.objects.filter(account=account).order_by("conversation_id", "created_at", "id")
                .iterator(chunk_size=1000))
    pending = next(messages, None)
    for i, conversation_id in enumerate(sorted(order)):
        head = _dumps(by_id[conversation_id] | {"messages": []})
        yield ("," if i else "") + "\n  " + head[:-2]  # open the empty messages list
        first = True
        while pending is not None and pending.conversation_id == conversation_id:
            yield ("" if first else ",") + _dumps(_message(pending))
            first = False
            pending = next(messages, None)
        yield "]}"
    yield "\n ]\n}\n"
