"""The PII guard knows who the seeker is (SPEC rule 15): staff type the seeker's registered 氏名 into
アピールポイント in the admin; no organisation page shows it (the search list, the keyword search, the
profile page), while the seeker's own profile page shows the field as withheld, and why."""

import re

import pytest

from accounts.tests.factories import StaffFactory
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.models import Profile
from seekers.tests.factories import SeekerAccountFactory
from tests.browser.test_messaging_journey import log_in
from tests.browser.test_visibility_journey import search_result_ids
from tests.conftest import axe_check

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

NAME = "森川 颯太"
APPEAL = "森川颯太は明るく丁寧な対応が得意です。"


def test_the_registered_name_typed_by_staff_never_reaches_an_organisation(page, new_page, live_server, settings):
    settings.REQUIRE_MFA = False  # TOTP has its own tests; here it would only add a step
    account = SeekerAccountFactory(
        application__identity__name=NAME, application__identity__name_kana="モリカワ ソウタ",
        application__profile__appeal_points="明るく丁寧な対応が得意です。",
    )
    profile = Profile.objects.get(pk=account.application_id)
    assert profile.withheld == {}
    member = MemberFactory(organization=OrganizationFactory(name="首都圏人材紹介株式会社")).user

    # Staff add the seeker's name to アピールポイント, as at the counter.
    staff_page = new_page()
    log_in(staff_page, live_server, StaffFactory().email, "/admin/")
    staff_page.goto(f"{live_server.url}/admin/seekers/jobapplication/{account.application_id}/change/")
    staff_page.locator("#profile-0").get_by_label(re.compile(r"^アピールポイント")).fill(APPEAL)
    staff_page.locator("input[name=_save]").click()
    staff_page.locator(".messagelist .success").wait_for()
    told = staff_page.locator(".messagelist").inner_text()
    # 本人の登録情報と一致 first; the NER model may add 氏名 after it.
    assert re.search(r"アピールポイント\(本人の登録情報と一致[・、)]", told)

    # The organisation: the search list, a keyword search by the name, and the profile page.
    org_page = new_page()
    log_in(org_page, live_server, member.email, "/orgs/seekers/")
    listing = org_page.locator("main").inner_text()
    assert profile.public_id in listing
    assert "森川" not in listing and "颯太" not in listing

    org_page.get_by_label(re.compile(r"^キーワード")).fill("森川颯太")
    with org_page.expect_navigation():
        org_page.get_by_role("button", name="検索する").click()
    assert "keyword=" in org_page.url
    assert profile.public_id not in search_result_ids(org_page)
    assert "条件に合う求職情報はありません。" in org_page.locator("main").inner_text()

    org_page.goto(f"{live_server.url}/orgs/seekers/{profile.public_id}/")
    shown = org_page.locator("main").inner_text()
    assert "(確認中のため表示していません)" in shown
    assert "森川" not in org_page.content() and "颯太" not in org_page.content()
    assert "本人の登録情報と一致" not in shown
    axe_check(org_page)

    # The seeker's own profile page: the field is withheld, with the reason, and their own text.
    log_in(page, live_server, account.user.username, "/seekers/")
    page.goto(f"{live_server.url}/seekers/profile/")
    status = page.get_by_role("status").filter(has_text="利用団体に表示していない項目")
    assert re.search(r"アピールポイント: 本人の登録情報と一致", status.inner_text())
    row = page.locator("tr.row--withheld").filter(has_text="アピールポイント")
    assert APPEAL in row.inner_text()
    assert re.search(r"個人を特定できる情報\(本人の登録情報と一致[・、)].*が含まれている可能性があるため", row.inner_text())
    axe_check(page)
