"""利用登録 cannot be taken over by guessing the 生年月日: refused attempts are counted per 求職番号 (a
lock after REGISTRATION_FAILURES_PER_DAY, staff can lift it) and per client address (shared cache);
when staff recorded the applicant's email the key goes only there; every refusal reads the same."""

import threading
from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, OutgoingEmail
from seekers import services
from seekers.models import JobApplication, RegistrationGuard, SeekerAccount
from seekers.tests.factories import JobApplicationFactory
from tests.pages import error_summary, with_totp

pytestmark = pytest.mark.django_db

URL = "/seekers/register/"
NUMBER = "13010-12345678"
BIRTH = date(1990, 4, 1)
EMAIL = "taro@example.jp"
# The first and last sentences of the one refusal: it says what to do, whatever the reason.
REFUSAL_START = "入力された内容では利用登録できません。"
REFUSAL_END = "その場合やご不明な点は、求職申込みをしたハローワークにお問い合わせください。"


@pytest.fixture
def application(db):
    return JobApplicationFactory(kyushoku_number=NUMBER, identity__birth_date=BIRTH)


def form_data(password, **overrides):
    data = {
        "kyushoku_number": NUMBER, "birth_date": BIRTH.isoformat(), "email": EMAIL, "email2": EMAIL,
        "password1": password, "password2": password, "agree": "on",
    }
    data.update(overrides)
    return data


def post(client, password, address="192.0.2.10", **overrides):
    return client.post(URL, form_data(password, **overrides), REMOTE_ADDR=address)


def wrong_birth_date(n: int) -> str:
    return (BIRTH + timedelta(days=n + 1)).isoformat()


def refused(response) -> bool:
    summary = error_summary(response)
    return response.status_code == 200 and REFUSAL_START in summary and REFUSAL_END in summary


def refusal_reasons(number=NUMBER) -> list[str]:
    return list(
        AuditEvent.objects.filter(verb="seeker.register_refused", data__kyushoku_number=number)
        .order_by("pk").values_list("data__reason", flat=True)
    )


# --- per 求職番号 -----------------------------------------------------------------------------------


def test_five_wrong_birth_dates_lock_the_number_and_the_sixth_is_refused_even_when_right(
    client, application, password
):
    for n in range(5):
        assert refused(post(client, password, birth_date=wrong_birth_date(n))), n

    sixth = post(client, password)

    assert refused(sixth)
    assert not SeekerAccount.objects.exists()
    assert not OutgoingEmail.objects.exists()
    guard = RegistrationGuard.objects.get(kyushoku_number=NUMBER)
    assert guard.failures == 5
    assert guard.locked_until == guard.last_failure_at + timedelta(hours=settings.REGISTRATION_LOCK_HOURS)
    # Staff can see each refusal and why, and the lock.
    assert refusal_reasons() == ["wrong_birth_date"] * 5 + ["locked"]
    lock = AuditEvent.objects.get(verb="seeker.register_locked")
    assert lock.data["kyushoku_number"] == NUMBER
    assert lock.data["failures"] == 5
    assert lock.data["address"] == "192.0.2.10"
    assert lock.target_id == str(guard.pk)


def test_the_lock_holds_from_any_address(client, application, password):
    for n in range(5):
        post(client, password, address=f"192.0.2.{n + 1}", birth_date=wrong_birth_date(n))

    assert refused(post(client, password, address="198.51.100.7"))
    assert not SeekerAccount.objects.exists()


def test_the_refusal_reads_the_same_whatever_the_reason(client, password, settings):
    """No enumeration (SPEC rule 1): wrong birth date, unknown number, not eligible, another email
    than the one staff recorded, a locked number and a refused address all answer alike."""
    settings.REGISTRATION_FAILURES_PER_ADDRESS_PER_HOUR = 3
    JobApplicationFactory(kyushoku_number="13010-00000001", identity__birth_date=BIRTH)
    JobApplicationFactory(kyushoku_number="13010-00000002", identity__birth_date=BIRTH,
                          opt_in=JobApplication.OptIn.NO)
    JobApplicationFactory(kyushoku_number="13010-00000003", identity__birth_date=BIRTH,
                          identity__email="hanako@example.jp")
    JobApplicationFactory(kyushoku_number="13010-00000004", identity__birth_date=BIRTH)
    RegistrationGuard.objects.create(kyushoku_number="13010-00000004", failures=5,
                                     last_failure_at=timezone.now(), window_started_at=timezone.now(),
                                     locked_until=timezone.now() + timedelta(hours=1))
    JobApplicationFactory(kyushoku_number="13010-00000005", identity__birth_date=BIRTH)
    for n in range(3):  # use up 203.0.113.9's hour
        post(client, password, address="203.0.113.9", kyushoku_number=f"13010-9999999{n}")
    cases = {
        "wrong birth date": ("13010-00000001", "1990-04-02", "192.0.2.1"),
        "unknown number": ("13010-99999999", "1990-04-01", "192.0.2.2"),
        "not eligible": ("13010-00000002", "1990-04-01", "192.0.2.3"),
        "another email": ("13010-00000003", "1990-04-01", "192.0.2.4"),
        "locked": ("13010-00000004", "1990-04-01", "192.0.2.5"),
        "address": ("13010-00000005", "1990-04-01", "203.0.113.9"),
    }

    responses = {
        reason: post(client, password, address=address, kyushoku_number=number, birth_date=birth)
        for reason, (number, birth, address) in cases.items()
    }

    assert {reason: response.status_code for reason, response in responses.items()} == dict.fromkeys(cases, 200)
    summaries = {reason: error_summary(response) for reason, response in responses.items()}
    assert len(set(summaries.values())) == 1, summaries
    assert REFUSAL_START in summaries["locked"] and REFUSAL_END in summaries["locked"]
    assert not SeekerAccount.objects.exists()
    assert not OutgoingEmail.objects.exists()
    # For staff, the reasons are told apart.
    reasons = {
        event.data["kyushoku_number"]: event.data["reason"]
        for event in AuditEvent.objects.filter(verb="seeker.register_refused", data__address__startswith="192.0.2.")
    }
    assert reasons == {
        "13010-00000001": "wrong_birth_date", "13010-99999999": "unknown_number",
        "13010-00000002": "not_eligible", "13010-00000003": "email_mismatch", "13010-00000004": "locked",
    }
    assert refusal_reasons("13010-00000005") == ["address_limit"]


def test_the_lock_runs_out_and_the_count_starts_again(client, application, password):
    start = timezone.now()
    for n in range(5):
        post(client, password, birth_date=wrong_birth_date(n))
    lock_ends = RegistrationGuard.objects.get().locked_until

    with time_machine.travel(lock_ends - timedelta(seconds=1), tick=False):
        assert refused(post(client, password, address="198.51.100.1"))
    with time_machine.travel(lock_ends, tick=False):
        # A fresh count: one more wrong date is not a lock, and the right one registers.
        assert refused(post(client, password, address="198.51.100.2", birth_date=wrong_birth_date(9)))
        guard = RegistrationGuard.objects.get()
        assert (guard.failures, guard.locked_until) == (1, None)
        done = post(client, password, address="198.51.100.3")

    assert done.status_code == 302
    assert SeekerAccount.objects.get().application == application
    assert lock_ends - start >= timedelta(hours=settings.REGISTRATION_LOCK_HOURS)


def test_failures_a_day_apart_do_not_add_up_to_a_lock(client, application, password):
    for n in range(4):
        post(client, password, birth_date=wrong_birth_date(n))
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1), tick=False):
        for n in range(4):
            assert refused(post(client, password, address="198.51.100.1", birth_date=wrong_birth_date(n)))
        assert RegistrationGuard.objects.get().locked_until is None

        response = post(client, password, address="198.51.100.2")

    assert response.status_code == 302


def test_the_sixth_attempt_is_refused_by_the_service_too(application, password):
    for n in range(5):
        with pytest.raises(services.NotEligible):
            services.seeker_register(kyushoku_number=NUMBER, birth_date=BIRTH + timedelta(days=n + 1),
                                     email=EMAIL, password=password, terms_version="2026-11")

    with pytest.raises(services.NotEligible):
        services.seeker_register(kyushoku_number=NUMBER, birth_date=BIRTH, email=EMAIL, password=password,
                                 terms_version="2026-11")

    assert not SeekerAccount.objects.exists()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_parallel_guesses_are_counted_one_after_another(password):
    """Eight wrong birth dates at the same moment: the guard row's lock (select_for_update) makes
    them wait for each other, so five are judged and counted, and the other three find the lock.
    Without it, all eight would pass the check before any was counted."""
    JobApplicationFactory(kyushoku_number=NUMBER, identity__birth_date=BIRTH)
    RegistrationGuard.objects.create(kyushoku_number=NUMBER)
    barrier = threading.Barrier(8)

    def guess(n):
        try:
            barrier.wait(timeout=10)
            try:
                services.seeker_register(kyushoku_number=NUMBER, birth_date=BIRTH + timedelta(days=n + 1),
                                         email=EMAIL, password=password, terms_version="2026-11",
                                         client_address=f"192.0.2.{n + 1}")
            except services.NotEligible:
                pass
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(refusal_reasons()) == ["locked"] * 3 + ["wrong_birth_date"] * 5
    assert RegistrationGuard.objects.get().failures == 5


# --- the email staff recorded -----------------------------------------------------------------------


@pytest.fixture
def recorded(db):
    return JobApplicationFactory(kyushoku_number=NUMBER, identity__birth_date=BIRTH, identity__email=EMAIL)


@pytest.mark.parametrize("typed", ["ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "Taro@Example.JP", "ＴＡＲＯ@example.jp", " taro@example.jp "],
                         ids=["full_width", "upper_case", "mixed_width", "spaces"])
def test_the_recorded_email_typed_in_another_width_or_case_registers(client, recorded, password, typed):
    with time_machine.travel(timezone.now(), tick=False):
        response = post(client, password, email=typed, email2=typed)
        assert response.status_code == 302, error_summary(response)
        done = client.get(response["Location"])

    account = SeekerAccount.objects.select_related("user").get()
    assert account.application == recorded
    # The key goes to the address staff recorded, as they recorded it.
    assert account.user.email == EMAIL
    assert OutgoingEmail.objects.get(kind="auth_key").to == EMAIL
    assert f"{EMAIL} あてに、ユーザIDと認証キーをお送りしました。" in done.content.decode()


def test_another_email_than_the_recorded_one_is_refused_alike(client, recorded, password):
    other = "attacker@example.com"

    response = post(client, password, email=other, email2=other)

    assert refused(response)
    assert error_summary(response) == error_summary(post(client, password, kyushoku_number="13010-99999999"))
    assert not SeekerAccount.objects.exists()
    assert not OutgoingEmail.objects.exists()
    assert refusal_reasons() == ["email_mismatch"]
    assert RegistrationGuard.objects.get(kyushoku_number=NUMBER).failures == 1


def test_without_a_recorded_email_the_typed_one_is_used(client, application, password):
    response = post(client, password, email="ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ", email2="hanako@example.jp")

    assert response.status_code == 302, error_summary(response)
    assert SeekerAccount.objects.get().user.email == "hanako@example.jp"
    assert OutgoingEmail.objects.get(kind="auth_key").to == "hanako@example.jp"


# --- per client address ---------------------------------------------------------------------------


def test_failures_from_one_address_over_many_numbers_refuse_that_address(client, password, settings):
    settings.REGISTRATION_FAILURES_PER_ADDRESS_PER_HOUR = 20
    target = JobApplicationFactory(identity__birth_date=BIRTH)
    for n in range(20):  # twenty different numbers, none of them locked by this
        assert refused(post(client, password, kyushoku_number=f"13010-{n + 70000000:08d}"))
    assert not RegistrationGuard.objects.filter(locked_until__isnull=False).exists()

    from_there = post(client, password, kyushoku_number=target.kyushoku_number)
    assert refused(from_there)
    assert not SeekerAccount.objects.exists()
    assert refusal_reasons(target.kyushoku_number) == ["address_limit"]

    from_elsewhere = post(client, password, address="198.51.100.20", kyushoku_number=target.kyushoku_number)
    assert from_elsewhere.status_code == 302
    assert SeekerAccount.objects.get().application == target


def test_successful_registrations_do_not_use_up_an_address(client, password, settings):
    """A Hello Work office may help many seekers register from its one address."""
    settings.REGISTRATION_FAILURES_PER_ADDRESS_PER_HOUR = 2
    applications = [JobApplicationFactory(identity__birth_date=BIRTH) for _ in range(4)]
    post(client, password, kyushoku_number="13010-99999999")  # one typo on the way

    for application in applications:
        response = post(client, password, kyushoku_number=application.kyushoku_number)
        assert response.status_code == 302, error_summary(response)

    assert SeekerAccount.objects.count() == 4


def test_the_address_behind_a_trusted_proxy_is_the_forwarded_one(client, password, settings):
    """With ALLAUTH_TRUSTED_PROXY_COUNT=1 the client's address comes from the proxy's X-Forwarded-For,
    so clients behind one TLS proxy are counted apart."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.REGISTRATION_FAILURES_PER_ADDRESS_PER_HOUR = 2
    target = JobApplicationFactory(identity__birth_date=BIRTH)
    for n in range(2):
        client.post(URL, form_data(password, kyushoku_number=f"13010-9999999{n}"), REMOTE_ADDR="10.0.0.1",
                    HTTP_X_FORWARDED_FOR="203.0.113.5")

    response = client.post(URL, form_data(password, kyushoku_number=target.kyushoku_number), REMOTE_ADDR="10.0.0.1",
                           HTTP_X_FORWARDED_FOR="198.51.100.5")

    assert response.status_code == 302
    assert set(AuditEvent.objects.filter(verb="seeker.register_refused").values_list("data__address", flat=True)) == {
        "203.0.113.5"
    }


# --- staff see and lift the lock --------------------------------------------------------------------


def test_staff_see_the_locked_number_and_lift_the_lock(client, staff_client, application, password, staff):
    for n in range(5):
        post(client, password, birth_date=wrong_birth_date(n))
    guard = RegistrationGuard.objects.get()

    changelist = staff_client.get(reverse("admin:seekers_registrationguard_changelist") + "?locked=yes")
    assert changelist.status_code == 200
    assert NUMBER in changelist.content.decode()

    response = staff_client.post(reverse("admin:seekers_registrationguard_changelist"), {
        "action": "clear_lock", "_selected_action": [guard.pk],
    })
    assert response.status_code == 302
    assert "1 件のロックを解除しました。" in staff_client.get(response["Location"]).content.decode()

    guard.refresh_from_db()
    assert (guard.failures, guard.locked_until) == (0, None)
    event = AuditEvent.objects.get(verb="seeker.register_unlock")
    assert event.actor == staff
    assert event.data["failures"] == 5
    # The refusals stay on record; the seeker can register again.
    assert refusal_reasons() == ["wrong_birth_date"] * 5
    assert post(client, password).status_code == 302
    assert SeekerAccount.objects.get().application == application


def test_the_lock_list_is_for_staff_only(client, application, password, agency_member):
    post(client, password, birth_date=wrong_birth_date(0))
    client.force_login(with_totp(agency_member))

    response = client.get(reverse("admin:seekers_registrationguard_changelist"))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_an_address_past_its_limit_is_audited_once_per_window_not_per_request(client, password, settings):
    """The audit log is append-only: a client hammering past the limit must not grow it per request."""
    settings.REGISTRATION_FAILURES_PER_ADDRESS_PER_HOUR = 2
    for n in range(12):
        assert refused(post(client, password, kyushoku_number=f"13010-{n + 71000000:08d}"))

    reasons = list(AuditEvent.objects.filter(verb="seeker.register_refused").values_list("data__reason", flat=True))
    assert reasons.count("address_limit") == 1
    assert len(reasons) == 3  # two counted refusals (unknown numbers), then the one crossing the limit
