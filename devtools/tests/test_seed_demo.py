"""`make run` seeds a demo with `seed_demo`: every kind of login it prints must exist and work, and the
logins are the last thing it prints, not buried under task logs and raw mail."""

import json
import logging
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from kombu import Connection

from accounts.models import User
from devtools.management.commands.seed_demo import (
    DEMO_PASSWORD,
    READY_BIRTH,
    READY_NUMBER,
    RULE,
    SEEKER_ID,
    STAFF_EMAIL,
)
from organizations.models import Member, Organization, bits_of
from seekers.models import JobApplication, Profile, SeekerAccount

pytestmark = pytest.mark.django_db

APPLICATIONS = 20


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", applications=APPLICATIONS, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def output():
    return seed()


def test_creates_a_staff_login(output):
    staff = User.objects.get(email=STAFF_EMAIL)

    assert staff.role == User.Role.STAFF
    assert staff.is_staff
    assert staff.is_active
    assert staff.check_password(DEMO_PASSWORD)


def test_creates_organisations_of_every_kind_and_sub_kind(output):
    kinds = set(Organization.objects.values_list("kind", "sub_kind"))

    assert {
        ("agency", ""),
        ("local_gov", ""),
        ("local_gov", "nurse_center"),
        ("local_gov", "welfare_center"),
        ("local_gov", "childcare_center"),
        ("local_gov", "other"),
    } <= kinds


def test_the_demo_organisations_are_usable(output):
    orgs = list(Organization.objects.prefetch_related("regions", "occupations"))

    assert orgs
    for org in orgs:
        # One demo organisation waits for its administrator to accept the 利用規約 (issue 14).
        expected = (Organization.Status.TERMS_PENDING if org.name == "利用規約同意待ちの人材紹介株式会社"
                    else Organization.Status.ACTIVE)
        assert org.status() == expected, org.name
        assert org.kind == "local_gov" or org.permit_number, org.name
        # The bit sets match the rows, so the receive conditions work on the demo (STYLE.md).
        assert org.regions.exists(), org.name
        assert org.region_bits == bits_of(int(p.code) - 1 for p in org.regions.all()), org.name
        assert org.occupation_bits == bits_of(o.bit for o in org.occupations.all()), org.name
    assert any(org.privacy_mark for org in orgs)
    assert not all(org.privacy_mark for org in orgs)


def test_every_organisation_has_a_member_who_can_log_in(output):
    for org in Organization.objects.all():
        members = list(Member.objects.filter(organization=org).select_related("user"))
        assert members, org.name
        for member in members:
            assert member.user.role == User.Role.MEMBER
            assert not member.user.is_staff
            assert member.user.check_password(DEMO_PASSWORD)
            assert member.user.email in output


def test_creates_applications_spread_over_several_prefectures(output):
    applications = JobApplication.objects.all()

    # The requested ones, the one ready to register and the demo seeker's.
    assert applications.count() == APPLICATIONS + 2
    assert all(re.fullmatch(r"[0-9]{5}-[0-9]{8}", a.kyushoku_number) for a in applications)
    assert Profile.objects.count() == APPLICATIONS + 2
    assert Profile.objects.values("desired_prefecture").distinct().count() >= 5
    offices = {a.kyushoku_number[:5] for a in applications}
    assert len(offices) >= 3
    assert set(applications.values_list("opt_in", flat=True)) >= {"yes"}
    assert all(a.valid_until >= a.applied_on for a in applications)


def test_creates_the_application_ready_to_register(output):
    ready = JobApplication.objects.select_related("identity").get(kyushoku_number=READY_NUMBER)

    # SPEC rule 1: exists, within its 有効期限, marked 希望する, and not yet registered.
    assert ready.opt_in == JobApplication.OptIn.YES
    assert ready.valid_until >= timezone.localdate()
    assert ready.identity.birth_date == READY_BIRTH
    assert not SeekerAccount.objects.filter(application=ready).exists()


def test_creates_a_seeker_who_can_log_in(output):
    user = User.objects.get(username=SEEKER_ID)
    account = SeekerAccount.objects.select_related("application").get(user=user)

    assert user.role == User.Role.SEEKER
    assert not user.is_staff
    assert user.check_password(DEMO_PASSWORD)
    assert account.first_login_at is not None
    assert account.profile_confirmed_at is not None  # reviewed: the profile is published
    assert account.reachability(timezone.localdate()) == SeekerAccount.Reachability.REACHABLE
    assert account.stopped_at is None
    assert account.application.opt_in == JobApplication.OptIn.YES
    assert account.application.valid_until >= timezone.localdate()


def test_the_ready_application_is_not_published_before_its_review(output):
    ready = Profile.objects.get(application__kyushoku_number=READY_NUMBER)

    assert ready.published_at is None
    assert ready.listed_until is None


def test_some_started_seekers_have_not_yet_confirmed_their_review(output):
    started = SeekerAccount.objects.filter(first_login_at__isnull=False)
    unconfirmed = started.filter(profile_confirmed_at__isnull=True)

    assert unconfirmed.exists()
    assert unconfirmed.count() < started.count() / 2
    assert not Profile.objects.filter(application__account__in=unconfirmed, listed_until__isnull=False).exists()


def test_prints_the_logins(output):
    assert STAFF_EMAIL in output
    assert DEMO_PASSWORD in output
    assert SEEKER_ID in output
    assert READY_NUMBER in output
    assert f"{READY_BIRTH:%Y-%m-%d}" in output
    assert "公開前の確認" in output
    assert f"求職申込 {APPLICATIONS + 2} 件" in output


def row_counts() -> dict[str, int]:
    models = (User, Organization, Member, JobApplication, Profile, SeekerAccount)
    return {model.__name__: model.objects.count() for model in models}


def test_running_twice_does_not_duplicate(output):
    before = row_counts()

    again = seed()

    assert row_counts() == before
    assert before["JobApplication"] == APPLICATIONS + 2
    # The second run still prints the logins.
    assert STAFF_EMAIL in again
    assert READY_NUMBER in again


def test_refuses_when_demo_data_is_not_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("seed_demo", applications=APPLICATIONS, stdout=out)

    assert not User.objects.filter(email=STAFF_EMAIL).exists()
    assert not Organization.objects.exists()
    assert not JobApplication.objects.exists()
    assert STAFF_EMAIL not in out.getvalue()


def test_production_settings_do_not_allow_demo_data():
    from config.settings import base

    assert base.DEMO_DATA_ALLOWED is False


# --- what `make run` prints -------------------------------------------------------------------------
ROOT = Path(__file__).resolve().parents[2]
# kombu's "No hostname was supplied" depends on the broker URL, which the test settings do not share
# with the laptop's: test_the_in_process_broker_names_a_host checks the laptop's.
NOISE = ("Task ", "succeeded", "=?utf-8?", "Content-Transfer-Encoding", "Content-Type")


def on_the_laptop(code: str, **environ) -> subprocess.CompletedProcess:
    """Python run as `make run` runs manage.py on a laptop: the local settings and no environment
    variables but these."""
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed program
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
        env={"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "config.settings.local", **environ},
    )


def laptop_settings(**environ) -> dict:
    code = (
        "import json; from config.settings import local as s; print(json.dumps({name: getattr(s, name) for name in"
        " ('EMAIL_BACKEND', 'CELERY_BROKER_URL', 'CELERY_TASK_ALWAYS_EAGER', 'LOGGING')}))"
    )
    return json.loads(on_the_laptop(code, **environ).stdout)


@pytest.fixture(scope="module")
def laptop() -> dict:
    return laptop_settings()


@pytest.fixture
def laptop_logging(laptop):
    """The logger levels of the local settings, for this test only (the test settings keep theirs)."""
    levels = {name: config["level"] for name, config in laptop["LOGGING"].get("loggers", {}).items()}
    before = {name: logging.getLogger(name).level for name in levels}
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    yield levels
    for name, level in before.items():
        logging.getLogger(name).setLevel(level)


def test_the_logins_are_the_last_thing_printed(laptop_logging, capsys, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.INFO)

    # The seed's own commit queues the demo messages' mails; here they run as the test's block ends.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        output = seed()
    assert callbacks  # the eager tasks did run, so their log lines had their chance to appear

    lines = output.rstrip("\n").splitlines()
    assert lines[-1] == RULE
    start = max(i for i, line in enumerate(lines) if line.startswith("デモ用ログイン"))
    block = "\n".join(lines[start:])
    for login in (STAFF_EMAIL, "org1@demo.kyushoku.example.jp", SEEKER_ID, READY_NUMBER, DEMO_PASSWORD):
        assert login in block
    # Nothing else reached the terminal while seeding: no task lines, no raw mail.
    captured = capsys.readouterr()
    everything = "\n".join([output, captured.out, captured.err, caplog.text])
    for noise in NOISE:
        assert noise not in everything, noise


def test_the_logins_are_a_table_with_what_to_try():
    output = seed()

    header = next(line for line in output.splitlines() if line.startswith("役割"))
    staff = next(line for line in output.splitlines() if STAFF_EMAIL in line)
    seeker = next(line for line in output.splitlines() if SEEKER_ID in line)
    # The login column starts at the same terminal column on every row (Japanese counts double).
    column = header.index("ログイン")
    width = len(header[:column]) + sum(1 for char in header[:column] if ord(char) > 0x2E7F)
    for row, login in ((staff, STAFF_EMAIL), (seeker, f"ユーザID {SEEKER_ID}")):
        before = row[: row.index(login)]
        assert len(before) + sum(1 for char in before if ord(char) > 0x2E7F) == width, row
    assert "/admin/" in staff
    assert "メッセージ一覧" in seeker


def test_celery_stays_quiet_only_while_it_runs_in_the_process(laptop):
    loggers = laptop["LOGGING"]["loggers"]

    assert laptop["CELERY_TASK_ALWAYS_EAGER"] is True
    assert {name: loggers[name]["level"] for name in ("celery", "kombu", "amqp")} == dict.fromkeys(
        ("celery", "kombu", "amqp"), "WARNING")
    # With a real broker the worker runs apart and keeps its own task log.
    with_broker = laptop_settings(CELERY_BROKER_URL="redis://broker.invalid:6379/0")
    assert with_broker["CELERY_TASK_ALWAYS_EAGER"] is False
    assert "celery" not in with_broker["LOGGING"].get("loggers", {})


def test_the_in_process_broker_names_a_host(laptop, caplog):
    """Eager Celery still takes a producer from its pool; a URL without a host makes kombu warn."""
    caplog.set_level(logging.WARNING, logger="kombu")

    Connection(laptop["CELERY_BROKER_URL"]).info()
    assert "No hostname" not in caplog.text

    Connection("memory://").info()
    assert "No hostname" in caplog.text  # the check sees the warning it guards against


def test_each_log_line_is_printed_once():
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('django.request').warning('Not Found: /nothing-here'); "
        "logging.getLogger('django.server').info('GET /nothing-here 404')"
    )

    printed = on_the_laptop(code).stderr.splitlines()

    assert printed.count("Not Found: /nothing-here") == 1
    # runserver's request lines keep Django's own format, with the time first.
    [request] = [line for line in printed if "GET /nothing-here" in line]
    assert re.fullmatch(r"\[[^\]]+\] GET /nothing-here 404", request)


def test_the_laptop_prints_mail_readably_unless_told_otherwise(laptop):
    assert laptop["EMAIL_BACKEND"] == "accounts.mail_backends.ReadableConsoleBackend"

    smtp = laptop_settings(EMAIL_URL="smtp://mail.invalid:25")
    assert smtp["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


def test_production_and_test_settings_keep_django_mail_backends(settings):
    from config.settings import base

    assert base.EMAIL_BACKEND.startswith("django.core.mail.backends.")
    assert not settings.EMAIL_BACKEND.startswith("accounts.")


def test_prints_the_organisation_administrators_login_for_member_management(output):
    first = Organization.objects.get(name="株式会社デモキャリア紹介")
    roles = dict(Member.objects.filter(organization=first).values_list("user__email", "role"))

    assert roles == {"org1@demo.kyushoku.example.jp": "admin", "org1-tanto@demo.kyushoku.example.jp": "member"}
    admin_line = next(line for line in output.splitlines() if "org1@demo.kyushoku.example.jp" in line)
    assert "(管理者)" in admin_line and "/orgs/organization/members/ メンバー管理" in admin_line
    member_line = next(line for line in output.splitlines() if "org1-tanto@" in line)
    assert "(担当者)" in member_line and "メンバー管理" not in member_line


def test_org1_has_a_saved_search_with_new_profiles_and_a_template(output, settings):
    from django.test import Client

    from messaging.models import GuidanceTemplate
    from seekers.models import SavedSearch

    settings.REQUIRE_MFA = False
    member = Member.objects.get(user__username="org1")
    saved = SavedSearch.objects.get(member=member)
    template = GuidanceTemplate.objects.get(organization=member.organization)
    client = Client()
    client.force_login(member.user)

    listing = client.get("/orgs/saved-searches/").content.decode()
    assert saved.name in listing and "毎日 9:00" in listing
    guide_page = client.get("/orgs/templates/").content.decode()
    assert template.name in guide_page
    assert "/orgs/saved-searches/" in output and "/orgs/templates/" in output


def test_the_first_organisation_has_sent_one_guidance_to_many(output):
    from messaging.models import GuidanceBatch, GuidanceBatchItem

    batch = GuidanceBatch.objects.get()
    items = GuidanceBatchItem.objects.filter(batch=batch)
    assert 1 <= items.count() <= 5
    # Accepted here; `make run` commits the seed, and the eager task sends it then.
    assert set(items.values_list("state", flat=True)) == {"pending"}


def test_the_demo_shows_an_open_correction_request_and_pending_terms(output):
    from compliance.models import CorrectionRequest

    [correction] = CorrectionRequest.objects.filter(answered_on__isnull=True)
    assert correction.organization.name == "是正要請中の職業紹介株式会社"
    assert correction.organization.members.get().user.username == "org-correction"
    assert Organization.objects.get(name="利用規約同意待ちの人材紹介株式会社").status() == Organization.Status.TERMS_PENDING
    assert "/orgs/standing/" in output and "/orgs/organization/terms/" in output
