"""Every admin page is free of serious and critical axe-core findings, in Japanese and in English: the
index, each app's index, every registered model's list, add page and change page (one object of each,
made with the factories and services), and compliance's own pages. Staff sign in as they do for real,
with the password and then the TOTP code."""

import re
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import OutgoingEmail
from accounts.tests.factories import DEFAULT_PASSWORD, StaffFactory
from compliance import services as compliance_services
from compliance.models import Violation
from compliance.tests.factories import (
    ComplaintFactory,
    DeletionRequestFactory,
    SuspensionFactory,
    ViolationFactory,
)
from messaging.tests.factories import ConversationFactory, MessageFactory
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.models import AuthKey, Block, ProfileView, RegistrationGuard
from seekers.tests.factories import SeekerAccountFactory
from tests.conftest import axe_check

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def one_of_each(staff) -> dict:
    """At least one row of every model the admin lists, in the states staff meet (a complaint about a
    conversation, confirmed violations with their sanctions, a profile with withheld text)."""
    organization = OrganizationFactory(name="株式会社アクセス確認")
    member = MemberFactory(organization=organization)
    OrganizationFactory(name="承諾待ち人材", unapproved=True)
    account = SeekerAccountFactory(application__profile__main_experience="連絡は 090-1234-5678 まで")
    conversation = ConversationFactory(organization=organization, account=account)
    MessageFactory(conversation=conversation, body="介護職の求人のご案内です。")
    MessageFactory(conversation=conversation, reply=True, body="詳しく教えてください。")
    complaint = ComplaintFactory(conversation=conversation)
    DeletionRequestFactory(conversation=ConversationFactory(organization=organization), overdue=True)
    violation = ViolationFactory(organization=organization, confirmed=True, conversations=[conversation],
                                 complaints=[complaint])
    compliance_services.correction_request_issue(actor=staff, violation=violation,
                                                 due_on=timezone.localdate() + timedelta(days=3),
                                                 content="広告の送信をやめ、再発防止策を報告してください。")
    SuspensionFactory(violation=violation)
    revoked = OrganizationFactory(name="利用解除社")
    compliance_services.organization_revoke(
        actor=staff, violation=ViolationFactory(organization=revoked, confirmed=True), reason="再度の違反")
    Block.objects.create(account=account, organization=revoked)
    ProfileView.objects.create(profile=account.application.profile, organization=organization, member=member.user)
    now = timezone.now()
    AuthKey.objects.create(account=account, key_hash="not-a-key", issued_at=now, expires_at=now + timedelta(minutes=30))
    RegistrationGuard.objects.create(kyushoku_number="13010-99999999", failures=2, last_failure_at=now)
    OutgoingEmail.objects.create(to="seeker@example.jp", subject="お知らせ", body="本文", kind="account_notice")
    compliance_services.data_correction_request(actor=account.user, account=account, field="profile.desired_job",
                                                requested_value="介護職員(日勤のみ)", reason="夜勤は希望していません。")
    Group.objects.get_or_create(name="窓口職員")
    # SPEC rule 23: an office (a test row, not one of offices.csv) and a staff member's post.
    from organizations.models import StaffPost
    from organizations.tests.factories import OfficeFactory

    StaffPost.objects.create(user=StaffFactory(), level=StaffPost.Level.OFFICE, office=OfficeFactory(code="13010"))
    return {"organization": organization, "violation": violation}


def admin_pages(objects) -> list[str]:
    """The index, each app's index, and for every registered model its list, its add page (when staff
    may add) and the change page of its first row; then compliance's own pages."""
    request = RequestFactory().get("/admin/")
    request.user = objects["staff"]
    pages = [reverse("admin:index")]
    app_labels = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if opts.app_label not in app_labels:
            app_labels.append(opts.app_label)
            pages.append(reverse("admin:app_list", args=[opts.app_label]))
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if model_admin.has_add_permission(request):
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        first = model._default_manager.order_by("pk").first()
        assert first is not None, f"no {opts.label} to open: one_of_each must make one"
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk]))
    violation: Violation = objects["violation"]
    pages += [
        reverse("admin:compliance_usage_report"),
        reverse("admin:compliance_organization_history", args=[objects["organization"].pk]),
        reverse("admin:compliance_violation_evidence_print", args=[violation.pk]),
        f"{reverse('admin:compliance_complaint_changelist')}?work=open",
        f"{reverse('admin:seekers_profile_changelist')}?withheld=yes",
    ]
    pages.append(reverse("admin:auth_user_password_change", args=[objects["staff"].pk]))
    return pages


def sign_in_with_totp(page, live_server, staff, secret: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(re.compile(r"^ユーザID")).fill(staff.email)
    page.get_by_label(re.compile(r"^パスワード")).fill(DEFAULT_PASSWORD)
    page.locator("main form").get_by_role("button", name="ログイン").click()
    page.wait_for_url(re.compile(r"/2fa/authenticate/"))
    code = format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30))
    page.locator("input[name=code]").fill(code)
    page.locator("input[name=code]").press("Enter")
    page.wait_for_url(f"{live_server.url}/admin/")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_admin_page_passes_axe(page, live_server, language):
    staff = StaffFactory()
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    objects = {**one_of_each(staff), "staff": staff}
    sign_in_with_totp(page, live_server, staff, secret)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

    failures, visited = [], 0
    for path in admin_pages(objects):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, f"{path} answered {response.status}"
        assert page.locator("html").get_attribute("lang") == language, path
        visited += 1
        try:
            axe_check(page)
        except pytest.fail.Exception as failure:  # every page's findings, not only the first page's
            failures.append(str(failure))
    print(f"{visited} admin pages checked in {language}")
    assert not failures, "\n\n".join(failures)
