"""Staff's one write of a 求職申込 (seekers.services.application_save): the default validity (SPEC rule
5), the 提供先区分 change (rule 6), reopening an ended period, the listing and the PII guard (rule 15),
all in one transaction with the audit event."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.tests.factories import StaffFactory
from organizations.models import OccupationGroup, Qualification
from seekers import services
from seekers.models import ApplicantIdentity, JobApplication, Profile
from seekers.tests.factories import SeekerAccountFactory
from seekers.validity import end_of_month_after_next

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():
    return StaffFactory()


def new_application(today, **values) -> tuple[JobApplication, ApplicantIdentity, Profile]:
    """What the admin's add form hands the service: three unsaved instances."""
    application = JobApplication(kyushoku_number="13010-12345678", applied_on=today, valid_until=None,
                                 opt_in=JobApplication.OptIn.YES, provision=JobApplication.Provision.BOTH)
    identity = ApplicantIdentity(name="鈴木 一郎", name_kana="スズキ イチロウ", birth_date=date(1985, 6, 15),
                                 address="東京都新宿区西新宿2-8-1", phone="090-1111-2222")
    profile = Profile(desired_job="一般事務", desired_prefecture_id="13", appeal_points="丁寧な対応を心がけています。")
    for name, value in values.items():
        target, field = name.split("__")
        setattr({"application": application, "identity": identity, "profile": profile}[target], field, value)
    return application, identity, profile


def stored(application) -> tuple[JobApplication, ApplicantIdentity, Profile]:
    """What a later request reads back: fresh instances from the database."""
    return (JobApplication.objects.get(pk=application.pk), ApplicantIdentity.objects.get(pk=application.pk),
            Profile.objects.get(pk=application.pk))


def nothing_written():
    return not (JobApplication.objects.exists() or ApplicantIdentity.objects.exists() or Profile.objects.exists()
                or AuditEvent.objects.exists())


# --- entering a new application ---------------------------------------------------------------------


def test_a_new_application_is_stored_with_the_default_validity_and_audited(actor, today):
    application, identity, profile = new_application(today)
    occupation = OccupationGroup.objects.filter(major=None).order_by("code").first()

    saved = services.application_save(actor=actor, application=application, identity=identity, profile=profile,
                                      profile_relations={"planned_occupations": [occupation]})

    application, identity, profile = stored(saved)
    assert application.valid_until == end_of_month_after_next(today)
    assert identity.name == "鈴木 一郎"
    assert profile.desired_job == "一般事務"
    assert list(profile.planned_occupations.all()) == [occupation]
    assert f"om{occupation.pk}" in profile.facets.split()  # the search facets were built
    assert "一般事務" in profile.search_text
    assert profile.listed_until is None  # no account yet: not provided to anyone
    [event] = AuditEvent.objects.filter(verb="application.create")
    assert (event.actor, event.target_id) == (actor, str(application.pk))


def test_a_given_validity_is_kept(actor, today):
    application, identity, profile = new_application(today, application__valid_until=today + timedelta(days=120))

    services.application_save(actor=actor, application=application, identity=identity, profile=profile)

    assert JobApplication.objects.get().valid_until == today + timedelta(days=120)


def test_published_text_that_looks_identifying_is_withheld(actor, today):
    application, identity, profile = new_application(today, profile__appeal_points="連絡は 090-1234-5678 まで")

    services.application_save(actor=actor, application=application, identity=identity, profile=profile)

    profile = Profile.objects.get()
    assert profile.withheld == {"appeal_points": ["phone"]}
    assert "090" not in profile.search_text
    assert AuditEvent.objects.get(verb="profile.screen").data == {"withheld": {"appeal_points": ["phone"]}}


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"application__applied_on": "tomorrow"}, {"applied_on": ["求職申込日に未来の日付は入力できません。"]}),
        ({"application__valid_until": "yesterday"}, {"valid_until": ["有効期限は求職申込日より後の日付にしてください。"]}),
    ],
    ids=["applied-tomorrow", "valid-until-before-applied"],
)
def test_wrong_dates_are_refused_at_the_field_and_nothing_is_written(actor, today, values, errors):
    days = {"tomorrow": today + timedelta(days=1), "yesterday": today - timedelta(days=1)}
    application, identity, profile = new_application(today, **{k: days[v] for k, v in values.items()})

    with pytest.raises(ValidationError) as refused:
        services.application_save(actor=actor, application=application, identity=identity, profile=profile)

    assert refused.value.message_dict == errors
    assert nothing_written()


def test_a_failure_in_the_middle_leaves_nothing(actor, today):
    """The profile breaks a database constraint after the application and identity rows are written:
    the whole save is undone, audit event included."""
    application, identity, profile = new_application(today, profile__desired_monthly_income=20_000_000)

    with pytest.raises(IntegrityError):
        services.application_save(actor=actor, application=application, identity=identity, profile=profile)

    assert nothing_written()


# --- changing an application ------------------------------------------------------------------------


@pytest.fixture
def account():
    """A started seeker: provided to organisations until the end of its validity."""
    return SeekerAccountFactory(application__applied_on=timezone.localdate() - timedelta(days=10))


def test_a_provision_change_is_recorded_as_such_and_the_listing_follows(actor, account):
    application, identity, profile = stored(account.application)
    application.provision = JobApplication.Provision.LOCAL_GOV_ONLY

    services.application_save(actor=actor, application=application, identity=identity, profile=profile)

    assert Profile.objects.get(pk=application.pk).listed_provision == JobApplication.Provision.LOCAL_GOV_ONLY
    change = AuditEvent.objects.get(verb="application.provision_change")
    assert (change.actor, change.data) == (actor, {"before": 1, "after": 2})
    update = AuditEvent.objects.get(verb="application.update")
    assert update.data["changed"] == ["provision"]
    assert update.data["before"] == {"provision": "1"}


def test_the_update_names_what_changed_and_copies_no_identity_value(actor, account):
    application, identity, profile = stored(account.application)
    identity.phone = "080-9999-0000"
    profile.special_notes = "フォークリフト運転技能講習修了"
    qualification = Qualification.objects.order_by("code").first()

    services.application_save(actor=actor, application=application, identity=identity, profile=profile,
                              profile_relations={"qualifications": [qualification]})

    event = AuditEvent.objects.get(verb="application.update")
    assert event.data == {"changed": [], "before": {}, "identity_changed": ["phone"],
                          "profile_changed": ["qualifications", "special_notes"]}
    assert "080-9999-0000" not in str(event.data)
    assert ApplicantIdentity.objects.get(pk=application.pk).phone == "080-9999-0000"
    assert f"q{qualification.pk}" in Profile.objects.get(pk=application.pk).facets.split()


def test_an_extension_past_today_reopens_an_ended_period(actor, account, today):
    JobApplication.objects.filter(pk=account.application_id).update(
        applied_on=today - timedelta(days=100), valid_until=today - timedelta(days=2), period_ended_at=timezone.now())
    services.profile_sync_listing(application_ids=[account.application_id])
    assert Profile.objects.get(pk=account.application_id).listed_until is None  # not listed any more (period ended)
    application, identity, profile = stored(account.application)
    application.valid_until = today + timedelta(days=30)

    services.application_save(actor=actor, application=application, identity=identity, profile=profile)

    application, _identity, profile = stored(application)
    assert application.period_ended_at is None  # the nightly job marks and notifies the new end
    assert profile.listed_until == today + timedelta(days=30)


def test_a_save_does_not_overwrite_what_other_services_own(actor, account):
    """The instances were read before the seeker set receive conditions: the save writes what staff
    enter, not those stale columns."""
    application, identity, profile = stored(account.application)
    published_at = profile.published_at
    services.conditions_set(actor=account.user, account=account, kinds=[0], regions=[12], industries=[],
                            occupations=[], privacy_mark=True)
    profile.desired_job = "介護職員"

    services.application_save(actor=actor, application=application, identity=identity, profile=profile)

    profile = Profile.objects.get(pk=application.pk)
    assert profile.desired_job == "介護職員"
    assert (profile.cond_kind_bits, profile.cond_region_bits, profile.cond_privacy_mark) == (1, 1 << 12, True)
    assert profile.published_at == published_at
