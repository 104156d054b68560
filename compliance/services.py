"""Compliance services (SPEC rules 18–21). Sanction state is written onto the organisation through
organizations.services.organization_set_sanction_state; every change is audited."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit
from accounts.models import AuditEvent
from messaging.models import Conversation, Message
from organizations.jurisdiction import require_governs
from organizations.models import Member, Organization
from organizations.services import organization_set_sanction_state, organization_set_withdrawn
from seekers.models import JobApplication, SeekerAccount
from seekers.services import disposal_record

from .models import (
    Complaint,
    CorrectionRequest,
    DataCorrectionRequest,
    DeletionRequest,
    Revocation,
    Suspension,
    Violation,
)
from .my_data import changed_names_in, correctable_fields
from .selectors import accounts_seen_by, organizations_that_saw

SANCTION_PERMISSION = "compliance.sanction"
# The organisations whose members can no longer sign in: staff record their deletion answers.
STAFF_RECORDED_ANSWER_STATUSES = (Organization.Status.REVOKED, Organization.Status.WITHDRAWN)


def _require_sanction_permission(actor) -> None:
    if not actor.has_perm(SANCTION_PERMISSION):
        raise PermissionDenied(_("是正要請・利用停止・利用解除には労働局 監督の権限が必要です。"))


# --- Deletion requests (SPEC rule 18) ---------------------------------------------------------------


class DeletionTargetUnknown(Exception):
    """The organisation named in a 削除・廃棄 request never saw this seeker (or does not exist): the
    same refusal either way, so a request reveals nothing about other organisations."""


def deletion_request_create(*, actor, account: SeekerAccount, organization_id: int) -> DeletionRequest:
    """The seeker asks an organisation that saw them (viewed the profile or messaged them,
    selectors.organizations_that_saw) to delete and dispose of what it obtained; also after a stop
    or the end of the period. One per seeker and organisation: the unique constraint
    (deletion_request_unique) makes a double submit return the first. Raises DeletionTargetUnknown
    for any other organisation."""
    if not organizations_that_saw(account).filter(pk=organization_id).exists():
        raise DeletionTargetUnknown
    due = timezone.localdate() + timedelta(days=settings.DELETION_ANSWER_DAYS)
    conversation = Conversation.objects.filter(account=account, organization_id=organization_id).first()
    try:
        with transaction.atomic():
            request = DeletionRequest.objects.create(
                conversation=conversation, account=account, organization_id=organization_id, due_on=due,
                origin=DeletionRequest.Origin.SEEKER,
            )
            audit(actor=actor, verb=AuditEvent.Verb.DELETION_REQUEST, target=request, due_on=str(due))
    except IntegrityError:
        request = DeletionRequest.objects.get(account=account, organization_id=organization_id)
    return request


def _deletion_answer_write(*, actor, request: DeletionRequest, disposed_on: date, note: str, verb) -> None:
    """Record the answer on the locked request and end the organisation's sight of the seeker at
    once: its conversation with them is closed (staff keep it as evidence for
    EVIDENCE_RETENTION_DAYS) and the visibility rule hides the profile (seekers Disposal)."""
    now = timezone.now()
    request.answered_at, request.answered_by = now, actor
    request.disposed_on, request.answer_note = disposed_on, note
    request.save(update_fields=["answered_at", "answered_by", "disposed_on", "answer_note"])
    Conversation.objects.filter(account_id=request.account_id, organization_id=request.organization_id,
                                org_access_ended_at__isnull=True).update(org_access_ended_at=now)
    disposal_record(actor=actor, account=request.account, organization=request.organization)
    audit(actor=actor, verb=verb, target=request, disposed_on=str(disposed_on))


def _check_disposed_on(disposed_on: date) -> None:
    if disposed_on > timezone.localdate():
        raise ValidationError({"disposed_on": _("削除・廃棄した日に未来の日付は入力できません。")})


def deletion_request_answer(*, actor, organization: Organization, request_id: int, disposed_on: date,
                            note: str) -> DeletionRequest:
    """The organisation reports how it handled the request, also while suspended (SPEC rules 18,
    20); from then on it sees neither the seeker nor their conversation. Another organisation's
    request raises DeletionRequest.DoesNotExist (the view's 404). The row is locked
    (select_for_update), so two answers at once record one."""
    _check_disposed_on(disposed_on)
    with transaction.atomic():
        request = (
            DeletionRequest.objects.select_for_update().select_related("account", "organization")
            .filter(pk=request_id, organization=organization).first()
        )
        if request is None:
            raise DeletionRequest.DoesNotExist
        if request.answered_at is None:
            _deletion_answer_write(actor=actor, request=request, disposed_on=disposed_on, note=note,
                                   verb=AuditEvent.Verb.DELETION_ANSWER)
    return request


def deletion_answer_record(*, actor, request: DeletionRequest, disposed_on: date, note: str) -> DeletionRequest:
    """Staff record the answer of a revoked organisation (its members can no longer sign in), received
    by other means (a letter, a report at the 労働局), to a request or to a disposal duty made by the
    revocation. Needs the 労働局 監督 permission; the row is locked (select_for_update)."""
    _require_sanction_permission(actor)
    _check_disposed_on(disposed_on)
    if not note.strip():
        raise ValidationError({"answer_note": _("対処状況を入力してください。")})
    with transaction.atomic():
        request = DeletionRequest.objects.select_for_update().select_related("account", "organization").get(
            pk=request.pk)
        if request.organization.status(timezone.localdate()) not in STAFF_RECORDED_ANSWER_STATUSES:
            raise ValidationError(_("回答を職員が記録できるのは、利用解除された利用団体と利用を終了した利用団体の分だけです。"
                                    "利用中・利用停止中の利用団体は、自らサイトで回答します。"))
        if request.answered_at is not None:
            raise ValidationError(_("この依頼にはすでに回答が記録されています。"))
        _deletion_answer_write(actor=actor, request=request, disposed_on=disposed_on, note=note,
                               verb=AuditEvent.Verb.DELETION_ANSWER_RECORD)
    return request


def disposal_duties_create(*, actor, organization: Organization,
                           origin: str = DeletionRequest.Origin.REVOCATION) -> int:
    """At 利用解除 or 利用の終了: the organisation must dispose of what it obtained about every seeker it saw
    (viewed or messaged). One deletion request (due in DELETION_ANSWER_DAYS) per
    such seeker who has none yet; the unique constraint skips those that have one. Callers in a
    transaction. `origin`: REVOCATION (利用解除) or WITHDRAWAL (the organisation left)."""
    due = timezone.localdate() + timedelta(days=settings.DELETION_ANSWER_DAYS)
    conversations = dict(
        Conversation.objects.filter(organization=organization).values_list("account_id", "pk")
    )
    already = set(DeletionRequest.objects.filter(organization=organization).values_list("account_id", flat=True))
    rows = [
        DeletionRequest(account_id=account_id, organization=organization, conversation_id=conversations.get(account_id),
                        due_on=due, origin=origin)
        for account_id in accounts_seen_by(organization).values_list("pk", flat=True)
        if account_id not in already
    ]
    DeletionRequest.objects.bulk_create(rows, ignore_conflicts=True)
    if rows:
        audit(actor=actor, verb=AuditEvent.Verb.DELETION_DISPOSAL_DUTY, target=organization, count=len(rows),
              due_on=str(due))
    return len(rows)


def deletion_overdue_flag(*, today: date | None = None) -> int:
    """Nightly: unanswered requests past their deadline become candidate violations for staff
    (利用規約: no notice after a deletion request). Set-based and idempotent."""
    today = today or timezone.localdate()
    with transaction.atomic():
        count = DeletionRequest.objects.filter(
            answered_at__isnull=True, due_on__lt=today, overdue_flagged_at__isnull=True
        ).update(overdue_flagged_at=timezone.now())
        if count:
            audit(actor=None, verb=AuditEvent.Verb.DELETION_OVERDUE_FLAG, count=count)
    return count


# --- Complaints (SPEC rule 21) ----------------------------------------------------------------------


def complaint_file(*, actor, account: SeekerAccount, conversation: Conversation, body: str) -> Complaint:
    if conversation.account_id != account.pk:
        raise PermissionDenied
    with transaction.atomic():
        # SPEC rule 23: the complaint goes to the seeker's office, the one its 求職番号 names.
        complaint = Complaint.objects.create(
            account=account, organization_id=conversation.organization_id, conversation=conversation, body=body,
            office_code=account.application.kyushoku_number[:5],
        )
        audit(actor=actor, verb=AuditEvent.Verb.COMPLAINT_FILE, target=complaint)
    return complaint


def complaint_set_status(*, actor, complaint: Complaint, status: str, note: str | None = None) -> Complaint:
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        before = complaint.status
        complaint.status = status
        if note is not None:
            complaint.staff_note = note
        complaint.save(update_fields=["status", "staff_note", "updated_at"])
        audit(actor=actor, verb=AuditEvent.Verb.COMPLAINT_STATUS, target=complaint, before=before, after=status)
    return complaint


# --- 開示 and 訂正等の請求 (個人情報保護法 第33条・第34条) ---------------------------------------------


def my_data_download(*, actor, account: SeekerAccount) -> None:
    """Record that the seeker downloaded their data (the JSON export): who, whose, when."""
    if getattr(actor, "pk", None) != account.user_id:
        raise PermissionDenied
    with transaction.atomic():
        audit(actor=actor, verb=AuditEvent.Verb.MY_DATA_DOWNLOAD, target=account)


def data_correction_request(*, actor, account: SeekerAccount, field: str, requested_value: str,
                            reason: str) -> DataCorrectionRequest:
    """The seeker asks Hello Work to correct one field it holds about them (訂正等の請求). The field
    must be one of compliance.my_data.correctable_fields; the audit event names the field, not the
    values (they may be identity)."""
    if field not in dict(correctable_fields()):
        raise ValidationError({"field": _("訂正を求める項目を一覧から選んでください。")})
    with transaction.atomic():
        correction = DataCorrectionRequest.objects.create(
            account=account, field=field, requested_value=requested_value, reason=reason)
        audit(actor=actor, verb=AuditEvent.Verb.DATA_CORRECTION_REQUEST, target=correction, field=field)
    return correction


def data_correction_answer(*, actor, correction: DataCorrectionRequest, status: str,
                           answer_reason: str = "") -> DataCorrectionRequest:
    """Staff move a 訂正等の請求 on: 受付 → 対応中 → 訂正済み or 訂正せず.
    - 訂正せず needs the reason, which the seeker reads on their 開示 page;
    - 訂正済み needs the correction itself made first, through the application's admin
      (seekers.services.application_save): an application.update audit event after the request
      that names the field. So "訂正済み" always means the stored value was changed, with its trail.
    The row is locked (select_for_update) while it is checked and written."""
    Status = DataCorrectionRequest.Status
    status = Status(status)
    answer_reason = answer_reason.strip()
    with transaction.atomic():
        correction = DataCorrectionRequest.objects.select_for_update().select_related("account").get(pk=correction.pk)
        if status == Status.NOT_CORRECTED and not answer_reason:
            raise ValidationError({"answer_reason": _("「訂正せず」とする場合は、訂正しない理由を入力してください。")})
        if status == Status.CORRECTED:
            updates = AuditEvent.objects.filter(
                verb=AuditEvent.Verb.APPLICATION_UPDATE, target_type=JobApplication._meta.label,
                target_id=str(correction.account.application_id), created_at__gte=correction.created_at)
            if not any(correction.field in changed_names_in(event) for event in updates):
                raise ValidationError({"status": _(
                    "この項目はまだ訂正されていません。求職申込の画面で訂正して保存してから「訂正済み」にしてください。")})
        before = correction.status
        correction.status = status
        correction.answer_reason = answer_reason if status == Status.NOT_CORRECTED else ""
        done = status in (Status.CORRECTED, Status.NOT_CORRECTED)
        correction.answered_at = timezone.now() if done else None
        correction.answered_by = actor if done else None
        correction.save(update_fields=["status", "answer_reason", "answered_at", "answered_by"])
        audit(actor=actor, verb=AuditEvent.Verb.DATA_CORRECTION_ANSWER, target=correction, before=before, after=status)
    return correction


# --- Violations and sanctions (SPEC rules 19–20) -----------------------------------------------------


def violation_record(*, actor, organization: Organization, category: str, occurred_on: date, description: str,
                     confirmed: bool = False, complaints=(), conversations=(),
                     deletion_request: DeletionRequest | None = None,
                     violation: Violation | None = None) -> Violation:
    """Staff record a violation (SPEC rule 19) with its evidence, or correct the record of one
    (violation=...), in one transaction with its audit event. The evidence (complaints,
    conversations, a deletion request) must be the organisation's own: it is what the evidence export
    shows as this organisation's conduct. The row being corrected is locked (select_for_update).
    Raises ValidationError at the field; then nothing is written."""
    complaints, conversations = list(complaints), list(conversations)
    errors = {}
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = _("発生日に未来の日付は入力できません。")
    others = _("証拠には、この利用団体のものだけを選べます。")
    if any(c.organization_id != organization.pk for c in complaints):
        errors["complaints"] = others
    if any(c.organization_id != organization.pk for c in conversations):
        errors["conversations"] = others
    if deletion_request is not None and deletion_request.organization_id != organization.pk:
        errors["deletion_request"] = others
    if errors:
        raise ValidationError(errors)
    values = {"organization": organization, "category": category, "occurred_on": occurred_on,
              "description": description, "confirmed": confirmed, "deletion_request": deletion_request}
    with transaction.atomic():
        if violation is None:
            violation = Violation.objects.create(recorded_by=actor, **values)
            changed = None
        else:
            violation = Violation.objects.select_for_update().get(pk=violation.pk)
            changed = [name for name, value in values.items() if getattr(violation, name) != value]
            for name, value in values.items():
                setattr(violation, name, value)
            violation.save(update_fields=list(values))
            if {c.pk for c in violation.complaints.all()} != {c.pk for c in complaints}:
                changed.append("complaints")
            if {c.pk for c in violation.conversations.all()} != {c.pk for c in conversations}:
                changed.append("conversations")
        violation.complaints.set(complaints)
        violation.conversations.set(conversations)
        if changed is None:
            audit(actor=actor, verb=AuditEvent.Verb.VIOLATION_RECORD, target=violation, category=category,
                  confirmed=confirmed)
        else:
            audit(actor=actor, verb=AuditEvent.Verb.VIOLATION_UPDATE, target=violation, category=category,
                  confirmed=confirmed, changed=sorted(changed))
    return violation


def _years_from(day: date, years: int) -> date:
    """The same calendar day `years` away (29 February becomes 28 February): 12 months, not 365 days."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def repeated_within_12_months(violation: Violation) -> bool:
    """A hint for staff: another confirmed violation of the same organisation within 12 months."""
    if not violation.confirmed:
        return False
    window = (_years_from(violation.occurred_on, -1), _years_from(violation.occurred_on, 1))
    return (
        Violation.objects.filter(organization_id=violation.organization_id, confirmed=True,
                                 occurred_on__range=window)
        .exclude(pk=violation.pk)
        .exists()
    )


def repeats_within_12_months(violations, others=None) -> list[bool]:
    """repeated_within_12_months for each violation, judged against `others` (default: the same
    list) already loaded, so a page of violations costs no query per row."""
    others = list(violations if others is None else others)
    return [
        v.confirmed and any(
            o.pk != v.pk and o.confirmed and o.organization_id == v.organization_id
            and _years_from(v.occurred_on, -1) <= o.occurred_on <= _years_from(v.occurred_on, 1)
            for o in others
        )
        for v in violations
    ]


def _require_confirmed(violation: Violation, message: str) -> None:
    if not violation.confirmed:
        raise ValidationError({"violation": message})


def correction_request_issue(*, actor, violation: Violation, due_on: date, content: str) -> CorrectionRequest:
    """是正要請 for a confirmed violation (SPEC rule 20), answered by the organisation by due_on."""
    _require_sanction_permission(actor)
    require_governs(actor, violation.organization)  # SPEC rule 23: its own 労働局 (or national) only
    _require_confirmed(violation, _("是正要請は、違反と確認された事案にのみ行えます。"))
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("回答期限は今日以降の日付にしてください。")})
    with transaction.atomic():
        correction = CorrectionRequest.objects.create(
            violation=violation, organization_id=violation.organization_id, issued_on=timezone.localdate(),
            due_on=due_on, content=content, issued_by=actor,
        )
        audit(actor=actor, verb=AuditEvent.Verb.SANCTION_CORRECTION_REQUEST, target=correction, due_on=str(due_on))
    return correction


def correction_request_answer(*, actor, correction: CorrectionRequest, answer: str,
                              answered_on: date | None) -> CorrectionRequest:
    """Staff record the organisation's answer to a 是正要請 (SPEC rule 20), or correct the record of
    it: the answer and its date go together, and an answer cannot predate the request. The row is
    locked (select_for_update) while it is written."""
    _require_sanction_permission(actor)
    require_governs(actor, correction.organization)
    answer = answer.strip()
    errors = {}
    if answer and answered_on is None:
        errors["answered_on"] = _("回答日を入力してください。")
    if answered_on is not None and not answer:
        errors["answer"] = _("利用団体の回答を入力してください。")
    if answered_on is not None and answered_on < correction.issued_on:
        errors["answered_on"] = _("回答日は要請日以降の日付にしてください。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        correction = CorrectionRequest.objects.select_for_update().get(pk=correction.pk)
        before = str(correction.answered_on)
        correction.answer, correction.answered_on = answer, answered_on
        correction.save(update_fields=["answer", "answered_on"])
        audit(actor=actor, verb=AuditEvent.Verb.SANCTION_CORRECTION_ANSWER, target=correction,
              answered_on=str(answered_on), before=before)
    return correction


def correction_request_org_answer(*, actor, organization: Organization, correction_id: int,
                                  answer: str) -> CorrectionRequest:
    """The organisation answers a 是正要請 addressed to it, in text, on its 是正要請 page (also while
    suspended or after its approval lapsed): the answer and today's date are kept on the request,
    which staff read in the admin. Another organisation's request is CorrectionRequest.DoesNotExist
    (the view's 404). The row is locked (select_for_update); once answered (by the organisation or
    recorded by staff) it is not answered again."""
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("是正要請への回答を入力してください。")})
    with transaction.atomic():
        correction = (CorrectionRequest.objects.select_for_update()
                      .filter(pk=correction_id, organization=organization).first())
        if correction is None:
            raise CorrectionRequest.DoesNotExist
        if correction.answered_on is not None:
            raise ValidationError(_("この是正要請にはすでに回答しています。"))
        correction.answer, correction.answered_on = answer, timezone.localdate()
        correction.save(update_fields=["answer", "answered_on"])
        audit(actor=actor, verb=AuditEvent.Verb.SANCTION_CORRECTION_ORG_ANSWER, target=correction,
              answered_on=str(correction.answered_on))
    return correction


def suspension_change(*, actor, suspension: Suspension, starts_on: date, ends_on: date, reason: str) -> Suspension:
    """Staff end a suspension early (ends_on today or earlier: access comes back at once — a
    suspension ending yesterday is over) or correct its period, with a reason (SPEC rule 20). The
    organisation's period is worked out again from all its suspensions and written through
    organization_set_sanction_state. The organisation row, then the suspension, are locked
    (select_for_update), the order organization_suspend takes them in."""
    _require_sanction_permission(actor)
    reason = reason.strip()
    errors = {}
    if not reason:
        errors["reason"] = _("変更の理由を入力してください。")
    if ends_on < starts_on:
        errors["ends_on"] = _("終了日は開始日以降にしてください。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=suspension.organization_id)
        require_governs(actor, organization)  # SPEC rule 23: its own 労働局 (or national) only
        suspension = Suspension.objects.select_for_update().get(pk=suspension.pk)
        if suspension.ends_on < timezone.localdate() and ends_on != suspension.ends_on:
            raise ValidationError({"ends_on": _("すでに終わった利用停止の期間は変更できません。")})
        before = {"starts_on": str(suspension.starts_on), "ends_on": str(suspension.ends_on)}
        suspension.starts_on, suspension.ends_on = starts_on, ends_on
        suspension.save(update_fields=["starts_on", "ends_on"])
        _refresh_suspension_state(actor=actor, organization=organization, reason=reason)
        audit(actor=actor, verb=AuditEvent.Verb.SANCTION_SUSPENSION_CHANGE, target=suspension, before=before,
              after={"starts_on": str(starts_on), "ends_on": str(ends_on)}, reason=reason)
    return suspension


def suspension_end_early(*, actor, suspension: Suspension, reason: str) -> Suspension:
    """End a suspension in force now: its last day becomes yesterday, so the organisation can search
    and send again at once (suspension_change). A suspension that begins today or later has no day
    before today to end on: it is refused, and staff correct its period instead."""
    yesterday = timezone.localdate() - timedelta(days=1)
    if suspension.starts_on > yesterday:
        raise ValidationError({"ends_on": _("今日以降に始まる利用停止は早期終了できません。期間を訂正してください。")})
    return suspension_change(actor=actor, suspension=suspension, starts_on=suspension.starts_on, ends_on=yesterday,
                             reason=reason)


def organization_withdraw(*, actor, member: Member, reason: str = "") -> Organization:
    """The organisation's administrator ends its use of the service (利用の終了): from now on no member
    can sign in (Organization.status WITHDRAWN, accounts.adapter.login_refusal), and the organisation
    must dispose of what it obtained about every seeker it saw: one disposal duty per seeker
    (disposal_duties_create, as 利用解除 does), whose answers staff record (deletion_answer_record).
    One transaction; the organisation row is locked by organization_set_withdrawn."""
    if member.role != Member.Role.ADMIN:
        raise PermissionDenied
    with transaction.atomic():
        organization = organization_set_withdrawn(actor=actor, organization=member.organization, reason=reason)
        disposal_duties_create(actor=actor, organization=organization, origin=DeletionRequest.Origin.WITHDRAWAL)
    return organization


def organization_suspend(*, actor, violation: Violation, starts_on: date, ends_on: date, reason: str) -> Suspension:
    """利用停止 from starts_on to ends_on (inclusive). From its start members cannot search, view or
    send; it ends by itself because every check compares today's date.

    The organisation row is locked (select_for_update) before the period is worked out: a second
    suspension saved at the same moment waits for this one to commit, then sees it, so the period
    kept on the organisation covers both."""
    _require_sanction_permission(actor)
    require_governs(actor, violation.organization)  # SPEC rule 23: its own 労働局 (or national) only
    _require_confirmed(violation, _("利用停止・利用解除は、違反と確認された事案にのみ行えます。"))
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("終了日は開始日以降にしてください。")})
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=violation.organization_id)
        suspension = Suspension.objects.create(
            violation=violation, organization=organization, starts_on=starts_on, ends_on=ends_on,
            reason=reason, created_by=actor,
        )
        _refresh_suspension_state(actor=actor, organization=organization, reason=reason)
        audit(actor=actor, verb=AuditEvent.Verb.SANCTION_SUSPEND, target=suspension)
    return suspension


def _suspension_period(organization_id: int, today: date) -> tuple[date | None, date | None]:
    """The period to keep on the organisation: the suspension in force today or, if none, the next
    one, joined with every suspension that overlaps or follows it without a day's gap. A later
    suspension never lifts the one in force, and back-to-back ones leave no gap between them."""
    periods = list(
        Suspension.objects.filter(organization_id=organization_id, ends_on__gte=today)
        .order_by("starts_on")
        .values_list("starts_on", "ends_on")
    )
    if not periods:
        return None, None
    start, end = periods[0]
    for next_start, next_end in periods[1:]:
        if next_start > end + timedelta(days=1):
            break
        end = max(end, next_end)
    return start, end


def _refresh_suspension_state(*, actor, organization: Organization, reason: str) -> None:
    """Write the period onto the organisation. The row is locked (select_for_update) before the
    period is read, so a suspension committed meanwhile is in it (callers in a transaction)."""
    Organization.objects.select_for_update().only("pk").get(pk=organization.pk)
    start, end = _suspension_period(organization.pk, timezone.localdate())
    organization_set_sanction_state(actor=actor, organization=organization, suspended_from=start,
                                    suspended_until=end, reason=reason)


def organization_revoke(*, actor, violation: Violation, reason: str) -> Revocation:
    """利用解除: permanent. Members are logged out on their next request and refused at login. The
    organisation's disposal duty is created with it (disposal_duties_create): staff see, per
    seeker it saw, the deadline and the answer they record (deletion_answer_record)."""
    _require_sanction_permission(actor)
    require_governs(actor, violation.organization)  # SPEC rule 23: its own 労働局 (or national) only
    _require_confirmed(violation, _("利用停止・利用解除は、違反と確認された事案にのみ行えます。"))
    if Revocation.objects.filter(organization_id=violation.organization_id).exists():
        raise ValidationError({"violation": _("この利用団体はすでに利用解除されています。")})
    with transaction.atomic():
        revocation = Revocation.objects.create(
            violation=violation, organization_id=violation.organization_id, reason=reason, created_by=actor
        )
        organization_set_sanction_state(actor=actor, organization=violation.organization, revoked_at=timezone.now(),
                                        reason=reason)
        disposal_duties_create(actor=actor, organization=violation.organization)
        audit(actor=actor, verb=AuditEvent.Verb.SANCTION_REVOKE, target=revocation)
    return revocation


def suspensions_end(*, today: date | None = None) -> int:
    """Nightly: record the end of suspensions whose last day has passed, and clear the state on the
    organisation if it is still that suspension's. Access already came back at midnight by date."""
    today = today or timezone.localdate()
    ended = 0
    with transaction.atomic():
        due = list(
            Suspension.objects.select_for_update(skip_locked=True)
            .filter(ends_on__lt=today, ended_processed_at__isnull=True)
            .select_related("organization")
        )
        for organization in {suspension.organization for suspension in due}:
            # The next suspension, if one is scheduled, takes the ended one's place.
            _refresh_suspension_state(actor=None, organization=organization, reason="suspension ended")
        ended = len(due)
        Suspension.objects.filter(pk__in=[s.pk for s in due]).update(ended_processed_at=timezone.now())
        if ended:
            audit(actor=None, verb=AuditEvent.Verb.SANCTION_SUSPENSIONS_END, count=ended)
    return ended


def access_end_sweep(*, today: date | None = None) -> int:
    """Nightly: mark the conversations whose seeker is no longer reachable (stopped, or the period
    ended: SeekerAccount.reachable_q), so the organisations' inbox index holds only conversations
    they may still open (bench_messages). The inbox applies the same rule itself
    (messaging.access.conversations_for_org), so access ends at once, before this runs."""
    today = today or timezone.localdate()
    with transaction.atomic():
        count = Conversation.objects.filter(org_access_ended_at__isnull=True).exclude(
            SeekerAccount.reachable_q(today, through="account")
        ).update(org_access_ended_at=timezone.now())
        if count:
            audit(actor=None, verb=AuditEvent.Verb.RETENTION_ACCESS_END, count=count)
    return count


def retention_purge(*, today: date | None = None) -> int:
    """Nightly: delete the conversations that no organisation can open any more and whose retention
    period has passed, except those that are evidence of a complaint or violation."""
    today = today or timezone.localdate()
    cutoff_day = today - timedelta(days=settings.EVIDENCE_RETENTION_DAYS)
    cutoff = timezone.now() - timedelta(days=settings.EVIDENCE_RETENTION_DAYS)
    with transaction.atomic():
        ids = list(
            Conversation.objects.filter(
                Q(org_access_ended_at__lt=cutoff)
                | Q(account__stopped_at__lt=cutoff)
                | Q(account__application__valid_until__lt=cutoff_day)
            )
            .filter(complaints__isnull=True, violation__isnull=True)
            .exclude(pk__in=Violation.objects.filter(deletion_request__isnull=False)
                     .values("deletion_request__conversation_id"))
            .values_list("pk", flat=True)
        )
        DeletionRequest.objects.filter(conversation_id__in=ids).delete()
        Message.objects.filter(conversation_id__in=ids).delete()
        Conversation.objects.filter(pk__in=ids).delete()
        if ids:
            audit(actor=None, verb=AuditEvent.Verb.RETENTION_PURGE, count=len(ids))
    return len(ids)
