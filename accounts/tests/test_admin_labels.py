"""The admin speaks Japanese: each index section has its own name, allauth's authenticators have a
Japanese one, and no list column is headed by a model field's English name."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import OutgoingEmail
from compliance.tests.factories import SuspensionFactory
from organizations.tests.factories import OrganizationFactory
from seekers.models import AuthKey, Block, ProfileView
from seekers.tests.factories import SeekerAccountFactory
from tests.pages import login, page, with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(staff):
    return login(with_totp(staff))


def section_names(html: str) -> list[str]:
    return re.findall(r'<caption>\s*<a href="/admin/\w+/" class="section"[^>]*>([^<]+)</a>', html)


def column_headers(html: str) -> list[str]:
    heads = re.findall(r'<th scope="col" class="[^"]*column-[^"]*">(.*?)</th>', html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", head)).strip() for head in heads]


def test_every_index_section_has_its_own_name(staff_client):
    names = section_names(page(staff_client.get("/admin/")))

    assert len(names) == len(set(names)), names
    assert "アカウント" not in names
    assert "ユーザー・監査記録・送信メール" in names


def test_the_authenticators_have_a_japanese_name(staff_client):
    html = page(staff_client.get("/admin/"))

    assert "認証手段(認証アプリ・リカバリーコード)" in html
    assert "Authenticator" not in html
    list_page = page(staff_client.get("/admin/mfa/authenticator/"))
    assert column_headers(list_page) == ["ユーザー", "種類", "登録日時", "最終使用日時"]
    filters = re.findall(r"<summary>\s*(.*?)\s*</summary>", list_page, re.S)
    assert [re.sub(r"\s+", " ", f) for f in filters] == ["種類 で絞り込む", "登録日時 で絞り込む", "最終使用日時 で絞り込む"]


@pytest.mark.parametrize("path", [
    "/admin/seekers/block/", "/admin/seekers/profileview/", "/admin/seekers/authkey/", "/admin/seekers/seekeraccount/",
    "/admin/accounts/outgoingemail/", "/admin/compliance/suspension/", "/admin/seekers/profile/",
])
def test_no_list_column_is_headed_in_english(staff_client, staff, path):
    account = SeekerAccountFactory()
    organization = OrganizationFactory()
    Block.objects.create(account=account, organization=organization)
    ProfileView.objects.create(profile=account.application.profile, organization=organization, member=staff)
    now = timezone.now()
    AuthKey.objects.create(account=account, key_hash="x", issued_at=now, expires_at=now + timedelta(minutes=30))
    OutgoingEmail.objects.create(to="a@example.jp", subject="件名", body="本文", kind="account_notice")
    SuspensionFactory()

    headers = column_headers(page(staff_client.get(path)))

    assert headers, f"no list on {path}"
    assert not [h for h in headers if re.fullmatch(r"[A-Za-z ]+", h) and h != "ID"], headers
