"""The suspension's admin page (SPEC rule 20): staff with the 労働局 監督 permission end a suspension
early or correct its period, with a reason, through compliance.services.suspension_change /
suspension_end_early and its audit event; the organisation's period follows at once. 窓口職員 only
view it."""

from datetime import date, timedelta

import pytest

from accounts.models import AuditEvent
from compliance import services
from compliance.models import Suspension
from compliance.tests.factories import ViolationFactory, staff_in
from conftest import jst
from organizations.models import Organization
from tests.pages import field_error, page, with_totp
from tests.pages import login as _login

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(jst(TODAY, 10), tick=False)


@pytest.fixture
def supervisor():
    return staff_in("労働局 監督")


@pytest.fixture
def suspension(agency, supervisor):
    violation = ViolationFactory(organization=agency, confirmed=True)
    return services.organization_suspend(actor=supervisor, violation=violation, starts_on=TODAY - timedelta(days=2),
                                         ends_on=TODAY + timedelta(days=10), reason="広告の送信")


def login(user):
    return _login(with_totp(user))


def url(suspension) -> str:
    return f"/admin/compliance/suspension/{suspension.pk}/change/"


def org_of(suspension) -> Organization:
    return Organization.objects.get(pk=suspension.organization_id)


def post(client, suspension, **values):
    data = {"starts_on": str(suspension.starts_on), "ends_on": str(suspension.ends_on), "change_reason": "", **values}
    return client.post(url(suspension), data)


def test_a_supervisor_ends_a_suspension_early(supervisor, suspension):
    client = login(supervisor)
    assert org_of(suspension).status() == Organization.Status.SUSPENDED
    assert "早期終了する" in page(client.get(url(suspension)))

    response = post(client, suspension, end_now="on", change_reason="是正が確認できたため")

    assert response.status_code == 302
    stored = Suspension.objects.get(pk=suspension.pk)
    assert (stored.starts_on, stored.ends_on) == (TODAY - timedelta(days=2), TODAY - timedelta(days=1))
    org = org_of(suspension)
    assert org.status() == Organization.Status.ACTIVE
    assert (org.suspended_from, org.suspended_until) == (None, None)
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.SANCTION_SUSPENSION_CHANGE)
    assert event.actor == supervisor
    assert event.data["reason"] == "是正が確認できたため"
    assert event.data["before"]["ends_on"] == str(TODAY + timedelta(days=10))
    assert event.data["after"]["ends_on"] == str(TODAY - timedelta(days=1))


def test_a_supervisor_corrects_the_period(supervisor, suspension):
    response = post(login(supervisor), suspension, ends_on=str(TODAY + timedelta(days=3)),
                    change_reason="期間の入力誤りの訂正")

    assert response.status_code == 302
    assert Suspension.objects.get(pk=suspension.pk).ends_on == TODAY + timedelta(days=3)
    assert org_of(suspension).suspended_until == TODAY + timedelta(days=3)
    assert AuditEvent.objects.get(verb=AuditEvent.Verb.SANCTION_SUSPENSION_CHANGE).data["reason"] == "期間の入力誤りの訂正"


def test_the_reason_is_required_at_the_field(supervisor, suspension):
    response = post(login(supervisor), suspension, end_now="on")

    assert response.status_code == 200
    assert field_error(page(response), "change_reason")
    assert Suspension.objects.get(pk=suspension.pk).ends_on == TODAY + timedelta(days=10)
    assert not AuditEvent.objects.filter(verb=AuditEvent.Verb.SANCTION_SUSPENSION_CHANGE).exists()


def test_an_end_before_the_start_is_refused_at_the_field(supervisor, suspension):
    response = post(login(supervisor), suspension, ends_on=str(TODAY - timedelta(days=5)), change_reason="訂正")

    assert response.status_code == 200
    assert "終了日は開始日以降にしてください" in field_error(page(response), "ends_on")
    assert org_of(suspension).status() == Organization.Status.SUSPENDED


def test_a_suspension_starting_today_cannot_be_ended_early(supervisor, agency):
    violation = ViolationFactory(organization=agency, confirmed=True)
    suspension = services.organization_suspend(actor=supervisor, violation=violation, starts_on=TODAY,
                                               ends_on=TODAY + timedelta(days=3), reason="広告")

    response = post(login(supervisor), suspension, end_now="on", change_reason="是正済み")

    assert response.status_code == 200
    assert "期間を訂正してください" in page(response)
    assert org_of(suspension).status() == Organization.Status.SUSPENDED


def test_counter_staff_only_view_it(suspension):
    client = login(staff_in("窓口職員"))
    html = page(client.get(url(suspension)))
    assert "早期終了する" not in html

    response = post(client, suspension, end_now="on", change_reason="勝手に終了")

    assert response.status_code == 403
    assert Suspension.objects.get(pk=suspension.pk).ends_on == TODAY + timedelta(days=10)
    assert org_of(suspension).status() == Organization.Status.SUSPENDED


def test_the_service_refuses_without_the_permission(suspension):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.suspension_end_early(actor=staff_in("窓口職員"), suspension=suspension, reason="理由")
