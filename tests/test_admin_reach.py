"""SPEC rule 23 in the admin: the authorization matrix of every registered admin, list and change page,
for office staff, 労働局 staff and national administrators (organizations.jurisdiction).

The world: three offices (13010 and 13020 under 東京労働局, 27010 under 大阪労働局), one seeker at each
with everything that hangs on an application, and one organisation under each 労働局 with its
violation and sanctions. Which rows each role may reach is written here by hand from the rule, apart
from the code that applies it, and every registered model must be in exactly one of the maps below,
so a new admin is classified before it ships."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, OutgoingEmail, User
from accounts.tests.factories import StaffFactory
from compliance.models import (
    Complaint,
    CorrectionRequest,
    DataCorrectionRequest,
    DeletionRequest,
    Revocation,
    Suspension,
    Violation,
)
from compliance.tests.factories import (
    ComplaintFactory,
    DeletionRequestFactory,
    SuspensionFactory,
    ViolationFactory,
)
from messaging.models import Conversation
from messaging.tests.factories import ConversationFactory
from organizations.models import (
    IndustryGroup,
    Member,
    OccupationGroup,
    Office,
    Organization,
    Prefecture,
    Qualification,
    StaffPost,
)
from organizations.tests.factories import MemberFactory, OfficeFactory, OrganizationFactory
from seekers.models import (
    AuthKey,
    Block,
    JobApplication,
    Profile,
    ProfileView,
    RegistrationGuard,
    SeekerAccount,
)
from seekers.tests.factories import JobApplicationFactory, SeekerAccountFactory
from tests.pages import with_totp

pytestmark = pytest.mark.django_db

# Where each model's row belongs, written from SPEC rule 23 (not read from the admins' `reach`).
OFFICE_OF = {
    JobApplication: lambda o: o.kyushoku_number[:5],
    Profile: lambda o: o.application.kyushoku_number[:5],
    SeekerAccount: lambda o: o.application.kyushoku_number[:5],
    Block: lambda o: o.account.application.kyushoku_number[:5],
    ProfileView: lambda o: o.profile.application.kyushoku_number[:5],
    AuthKey: lambda o: o.account.application.kyushoku_number[:5],
    RegistrationGuard: lambda o: o.kyushoku_number[:5],
    Conversation: lambda o: o.account.application.kyushoku_number[:5],
    Complaint: lambda o: o.account.application.kyushoku_number[:5],  # routed to the seeker's office
    DeletionRequest: lambda o: o.account.application.kyushoku_number[:5],
    DataCorrectionRequest: lambda o: o.account.application.kyushoku_number[:5],
}
BUREAU_OF = {
    Organization: lambda o: o.bureau_id,
    Member: lambda o: o.organization.bureau_id,
    Violation: lambda o: o.organization.bureau_id,
    CorrectionRequest: lambda o: o.organization.bureau_id,
    Suspension: lambda o: o.organization.bureau_id,
    Revocation: lambda o: o.organization.bureau_id,
}
REFERENCE = {Prefecture, OccupationGroup, IndustryGroup, Qualification, Office}
NATIONAL_ONLY_APPS = {"accounts", "auth", "account", "mfa"}
NATIONAL_ONLY = {User, AuditEvent, OutgoingEmail, StaffPost}

OFFICES = {"13010": "13", "13020": "13", "27010": "27"}


def registered():
    return dict(admin.site._registry)


def test_every_registered_admin_is_in_the_matrix():
    unclassified = [
        model._meta.label for model in registered()
        if model not in OFFICE_OF and model not in BUREAU_OF and model not in REFERENCE
        and model not in NATIONAL_ONLY and model._meta.app_label not in NATIONAL_ONLY_APPS
    ]
    assert not unclassified, f"classify these admins' rows for SPEC rule 23: {unclassified}"


@pytest.fixture
def world(db):
    for code in OFFICES:
        OfficeFactory(code=code)
    orgs = {bureau: OrganizationFactory(bureau_id=bureau, name=f"団体{bureau}") for bureau in ("13", "27")}
    for bureau, org in orgs.items():
        MemberFactory(organization=org)
        violation = ViolationFactory(organization=org, confirmed=True)
        SuspensionFactory(violation=violation, organization=org)
        CorrectionRequest.objects.create(violation=violation, organization=org, issued_on=timezone.localdate(),
                                         due_on=timezone.localdate() + timedelta(days=14), content="是正要請")
        Revocation.objects.create(violation=ViolationFactory(organization=org, confirmed=True),
                                  organization=org, reason=f"利用解除{bureau}")
    for n, code in enumerate(OFFICES):
        account = SeekerAccountFactory(application=JobApplicationFactory(kyushoku_number=f"{code}-0000000{n}"))
        conversation = ConversationFactory(account=account, organization=orgs["13"])
        ComplaintFactory(conversation=conversation)
        DeletionRequestFactory(conversation=conversation)
        DataCorrectionRequest.objects.create(account=account, field="desired_job", requested_value="事務",
                                             reason="誤り")
        Block.objects.create(account=account, organization=orgs["27"])
        ProfileView.objects.create(profile=account.application.profile, organization=orgs["13"])
        AuthKey.objects.create(account=account, key_hash="x", issued_at=timezone.now(),
                               expires_at=timezone.now() + timedelta(minutes=30))
        RegistrationGuard.objects.create(kyushoku_number=account.application.kyushoku_number)
    return orgs


def posted(level, *, office=None, bureau=None, superuser=True):
    """Staff of every permission (so reach alone decides), posted as the rule says."""
    user = StaffFactory(is_superuser=superuser)
    StaffPost.objects.create(user=user, level=level, office_id=office, bureau_id=bureau)
    return user


ROLES = {
    "office 13010": dict(level="office", office="13010"),
    "労働局 13": dict(level="bureau", bureau="13"),
    "労働局 27": dict(level="bureau", bureau="27"),
    "national": dict(level="national"),
}


def expected_offices(role: dict) -> set[str] | None:
    if role["level"] == "national":
        return None
    if role["level"] == "office":
        return {role["office"]}
    return {code for code, bureau in OFFICES.items() if bureau == role["bureau"]}


def expected_bureau(role: dict) -> str | None:
    return {"office": lambda: OFFICES[role["office"]], "bureau": lambda: role["bureau"]}.get(
        role["level"], lambda: None)()


def in_reach(model, obj, role) -> bool:
    if role["level"] == "national" or model in REFERENCE:
        return True
    if model in OFFICE_OF:
        return OFFICE_OF[model](obj) in expected_offices(role)
    if model in BUREAU_OF:
        return BUREAU_OF[model](obj) == expected_bureau(role)
    return False  # national-only


@pytest.mark.parametrize("role_name", list(ROLES))
def test_each_admin_queryset_holds_exactly_the_rows_in_reach(world, role_name):
    role = ROLES[role_name]
    user = posted(**role)
    request = RequestFactory().get("/admin/")
    request.user = user
    for model, model_admin in registered().items():
        if model not in OFFICE_OF and model not in BUREAU_OF:
            continue
        shown = set(model_admin.get_queryset(request).values_list("pk", flat=True))
        wanted = {o.pk for o in model._default_manager.all() if in_reach(model, o, role)}
        assert shown == wanted, f"{model._meta.label} as {role_name}"
        if role["level"] != "national":
            assert shown != set(model._default_manager.values_list("pk", flat=True)), (
                f"{model._meta.label}: the world must hold rows outside {role_name}'s reach")


@pytest.mark.parametrize("role_name", list(ROLES))
def test_every_list_and_change_page_answers_by_reach(world, client, role_name):
    """Every admin's list page, and the change page of every row of every model: 200 in reach, 404
    outside it, 403 for national-only admins to anyone else."""
    role = ROLES[role_name]
    client.force_login(with_totp(posted(**role)))
    national = role["level"] == "national"
    for model in registered():
        info = (model._meta.app_label, model._meta.model_name)
        closed = model in NATIONAL_ONLY or model._meta.app_label in NATIONAL_ONLY_APPS
        status = client.get(reverse(f"admin:{info[0]}_{info[1]}_changelist")).status_code
        assert status == (403 if closed and not national else 200), f"{info} list as {role_name}"
        for obj in model._default_manager.all()[:12]:
            status = client.get(reverse(f"admin:{info[0]}_{info[1]}_change", args=[obj.pk])).status_code
            if closed and not national:
                want = 403
            else:
                want = 200 if in_reach(model, obj, role) else 404
            assert status == want, f"{model._meta.label} {obj.pk} as {role_name}: {status}"


def test_counter_staff_of_another_office_get_404_for_an_application_by_url(world, client):
    """The 窓口職員 group (real permissions) at 13020 types 13010's application URL."""
    user = StaffFactory(is_superuser=False)
    user.groups.add(Group.objects.get(name="窓口職員"))
    StaffPost.objects.create(user=user, level="office", office_id="13020")
    client.force_login(with_totp(user))
    mine = JobApplication.objects.get(kyushoku_number__startswith="13020")
    theirs = JobApplication.objects.get(kyushoku_number__startswith="13010")

    assert client.get(reverse("admin:seekers_jobapplication_change", args=[mine.pk])).status_code == 200
    assert client.get(reverse("admin:seekers_jobapplication_change", args=[theirs.pk])).status_code == 404
    assert not AuditEvent.objects.filter(verb="identity.view", target_id=str(theirs.pk)).exists()


def test_a_hand_made_post_on_another_offices_complaint_is_refused(world, client):
    user = StaffFactory(is_superuser=False)
    user.groups.add(Group.objects.get(name="窓口職員"))
    StaffPost.objects.create(user=user, level="office", office_id="13020")
    client.force_login(with_totp(user))
    theirs = Complaint.objects.get(office_code="13010")
    url = reverse("admin:compliance_complaint_change", args=[theirs.pk])

    response = client.post(url, {"status": "done", "staff_note": "他所の職員が書き換え"})
    bulk = client.post(reverse("admin:compliance_complaint_changelist"),
                       {"action": "mark_done", "_selected_action": [theirs.pk]})

    assert response.status_code == 404
    assert bulk.status_code in (200, 302)
    theirs.refresh_from_db()
    assert (theirs.status, theirs.staff_note) == ("received", "")
    assert not AuditEvent.objects.filter(verb="complaint.status").exists()


def test_staff_without_a_post_reach_nothing(world, client):
    user = StaffFactory(is_superuser=False)
    user.groups.add(Group.objects.get(name="労働局 監督"))
    client.force_login(with_totp(user))

    response = client.get(reverse("admin:seekers_jobapplication_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    assert JobApplication.objects.count() == 3


def test_the_conversation_list_filters_by_organisation_and_finds_by_number_within_reach(world, client):
    client.force_login(with_totp(posted(level="office", office="13010")))
    url = reverse("admin:messaging_conversation_changelist")

    found = client.get(url, {"q": "13010-00000000"}).context["cl"].result_list
    other = client.get(url, {"q": "13020-00000001"}).context["cl"].result_list
    by_org = client.get(url, {"organization__id__exact": world["13"].pk}).context["cl"].result_list

    assert [c.account.application.kyushoku_number for c in found] == ["13010-00000000"]
    assert list(other) == []
    assert [c.account.application.kyushoku_number for c in by_org] == ["13010-00000000"]


def test_evidence_and_history_of_another_bureaus_organisation_are_404(world, client):
    """The violation admin's own pages (evidence CSV, print, the organisation's history) ask the same
    reach as its list."""
    client.force_login(with_totp(posted(level="bureau", bureau="27")))
    tokyo_violation = Violation.objects.filter(organization=world["13"]).first()
    osaka_violation = Violation.objects.filter(organization=world["27"]).first()

    for name, args in [("compliance_violation_evidence_csv", [tokyo_violation.pk]),
                       ("compliance_violation_evidence_print", [tokyo_violation.pk]),
                       ("compliance_organization_history", [world["13"].pk])]:
        assert client.get(reverse(f"admin:{name}", args=args)).status_code == 404, name
    assert client.get(reverse("admin:compliance_violation_evidence_print", args=[osaka_violation.pk])).status_code == 200
    assert client.get(reverse("admin:compliance_organization_history", args=[world["27"].pk])).status_code == 200
    assert not AuditEvent.objects.filter(verb="evidence.export", target_id=str(tokyo_violation.pk)).exists()


def test_the_index_counts_only_the_work_in_reach(world, client):
    client.force_login(with_totp(posted(level="office", office="13010")))

    work = {item["label"]: item["count"] for item in client.get(reverse("admin:index")).context["staff_work"]}

    assert Complaint.objects.count() == 3
    assert work["未対応の苦情"] == 1
