"""Compliance rows in a consistent state: a request's or complaint's `account` and `organization` are
always its conversation's own ends.

Tests of rules go through the services (they check permissions and write audit events); these
factories build the background a test needs (history pages, reports, query budgets). A
SuspensionFactory row does not touch the organisation's sanction state: use
services.organization_suspend when the organisation itself must be suspended."""

from datetime import timedelta

import factory
from django.conf import settings
from django.utils import timezone

from compliance.models import Complaint, CorrectionRequest, DeletionRequest, Suspension, Violation
from messaging.tests.factories import ConversationFactory
from organizations.tests.factories import OrganizationFactory


class DeletionRequestFactory(factory.django.DjangoModelFactory):
    """An unanswered 削除・廃棄の依頼 made today (due in DELETION_ANSWER_DAYS), about a conversation. `answered=True` makes
    one the organisation has answered (its access to the conversation ends, as the service does);
    `overdue=True` one whose deadline was yesterday."""

    class Meta:
        model = DeletionRequest
        skip_postgeneration_save = True  # end_access writes the conversation, not the request

    conversation = factory.SubFactory(ConversationFactory)
    account = factory.LazyAttribute(lambda o: o.conversation.account)
    organization = factory.LazyAttribute(lambda o: o.conversation.organization)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=settings.DELETION_ANSWER_DAYS))

    class Params:
        answered = factory.Trait(
            answered_at=factory.LazyFunction(timezone.now),
            disposed_on=factory.LazyFunction(timezone.localdate),
            answer_note="求職情報を記録したファイルを削除し、印刷物をシュレッダーで廃棄しました。",
        )
        overdue = factory.Trait(due_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1)))

    @factory.post_generation
    def end_access(obj, create, extracted, **kwargs):
        """An answered request ends the organisation's sight as the service does: the conversation
        and the profile (seekers Disposal)."""
        if create and obj.answered_at is not None:
            from seekers.models import Disposal

            if obj.conversation is not None:
                type(obj.conversation).objects.filter(pk=obj.conversation_id).update(
                    org_access_ended_at=obj.answered_at)
                obj.conversation.org_access_ended_at = obj.answered_at
            Disposal.objects.get_or_create(account=obj.account, organization=obj.organization)


class ComplaintFactory(factory.django.DjangoModelFactory):
    """A 苦情申出 in status 受付 about one conversation."""

    class Meta:
        model = Complaint

    conversation = factory.SubFactory(ConversationFactory)
    account = factory.LazyAttribute(lambda o: o.conversation.account)
    organization = factory.LazyAttribute(lambda o: o.conversation.organization)
    office_code = factory.LazyAttribute(lambda o: o.account.application.kyushoku_number[:5])
    body = "自社の健康食品の販売案内が送られてきました。職業紹介とは関係がありません。"


class ViolationFactory(factory.django.DjangoModelFactory):
    """An unconfirmed 利用規約違反 (unrelated advertising) that occurred today. `confirmed=True` makes a
    confirmed one (what sanctions require): the model field itself, since a trait cannot share the
    field's name (factory_boy refuses it as a cyclic definition). `conversations=[…]` /
    `complaints=[…]` link evidence."""

    class Meta:
        model = Violation
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    category = Violation.Category.ADVERTISING
    occurred_on = factory.LazyFunction(timezone.localdate)
    description = "職業紹介と無関係な自社商品の販売広告を案内メッセージで送信した。"

    @factory.post_generation
    def conversations(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.conversations.set(extracted)

    @factory.post_generation
    def complaints(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.complaints.set(extracted)


class SuspensionFactory(factory.django.DjangoModelFactory):
    """A 利用停止 row for a confirmed violation, today and the six days after (the organisation's own
    suspended_from/until are left as they are)."""

    class Meta:
        model = Suspension

    violation = factory.SubFactory(ViolationFactory, confirmed=True)
    organization = factory.LazyAttribute(lambda o: o.violation.organization)
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=6))
    reason = "職業紹介と無関係な広告の送信(是正要請に応じなかったため)"


class CorrectionRequestFactory(factory.django.DjangoModelFactory):
    """An unanswered 是正要請 for a confirmed violation, issued today and due in 14 days."""

    class Meta:
        model = CorrectionRequest

    violation = factory.SubFactory(ViolationFactory, confirmed=True)
    organization = factory.LazyAttribute(lambda o: o.violation.organization)
    issued_on = factory.LazyFunction(timezone.localdate)
    due_on = factory.LazyAttribute(lambda o: o.issued_on + timedelta(days=14))
    content = "職業紹介と無関係な広告の送信をやめ、再発防止策を報告してください。"


def staff_in(group: str):
    """A staff user (not a superuser) whose only permissions are the group's (窓口職員 or 労働局 監督)."""
    from django.contrib.auth.models import Group

    from accounts.tests.factories import UserFactory
    from organizations.models import StaffPost
    from organizations.tests.factories import OfficeFactory

    user = UserFactory(role="staff", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    # SPEC rule 23: counter staff work at the factories' office (13010), supervisors at 東京労働局.
    if group == "窓口職員":
        StaffPost.objects.create(user=user, level=StaffPost.Level.OFFICE, office=OfficeFactory(code="13010"))
    else:
        OfficeFactory(code="13010")
        StaffPost.objects.create(user=user, level=StaffPost.Level.BUREAU, bureau_id="13")
    return user
