"""削除・廃棄の依頼 confirmed before it is made (SPEC rule 18): the list's button leads to
/seekers/deletion-requests/<organisation id>/confirm/, which says what the request does and posts
it; a POST without the confirmation page's `confirm` makes nothing and leads to that page; an
organisation that never saw the seeker is a 404; and who may open the page."""

import re
from datetime import date

import pytest

from accounts.models import AuditEvent
from compliance.models import DeletionRequest
from compliance.tests.factories import DeletionRequestFactory
from conftest import jst
from messaging.tests.factories import ConversationFactory, MessageFactory
from tests.pages import page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]

TODAY = date(2026, 11, 26)
LIST_URL = "/seekers/deletion-requests/"


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(jst(TODAY, 10))


@pytest.fixture
def conversation(agency, account):
    conversation = ConversationFactory(organization=agency, account=account)
    MessageFactory(conversation=conversation)
    return conversation


@pytest.fixture
def others_conversation(municipality, other_seeker):
    conversation = ConversationFactory(organization=municipality, account=other_seeker.seeker_account)
    MessageFactory(conversation=conversation)
    return conversation


def confirm_url(conversation) -> str:
    return f"/seekers/deletion-requests/{conversation.organization_id}/confirm/"


def main(html: str) -> str:
    return html[html.index("<main"):html.index("</main>")]


def test_the_list_offers_a_link_to_the_confirmation_not_a_form(seeker_client, agency, conversation):
    html = main(page(seeker_client.get(LIST_URL)))

    assert f'<a class="button button--secondary" href="{confirm_url(conversation)}">{agency.name} に削除・廃棄を依頼する</a>' in html
    assert 'method="post"' not in html
    assert "未依頼" in html


def test_the_confirmation_says_what_the_request_does_before_it_is_made(seeker_client, agency, conversation):
    response = seeker_client.get(confirm_url(conversation))

    assert response.status_code == 200
    html = page(response)
    assert "<h1>削除・廃棄の依頼の確認</h1>" in html
    assert f"{agency.name} に、あなたの求職情報の削除・廃棄を依頼します。" in html
    assert "依頼から14日以内に対処状況を回答しなければなりません。" in html
    assert "回答がない場合は、ハローワークが利用規約違反として確認します。" in html
    assert (f"{agency.name} が削除・廃棄したと回答すると、その利用団体からはあなたの求職情報(検索、公開プロフィール)も"
            "やりとりも見えなくなります。") in html
    assert "依頼は取り消せません。" in html
    assert "利用団体が回答するまでは、その利用団体からも求職情報が見えます。" in html
    form = re.search(r'<form method="post" action="/seekers/deletion-requests/">(.*?)</form>', html, re.S).group(1)
    assert f'<input type="hidden" name="organization" value="{agency.pk}">' in form
    assert '<input type="hidden" name="confirm" value="on">' in form
    assert f"{agency.name} に削除・廃棄を依頼する" in form
    assert not DeletionRequest.objects.exists()  # opening the page asks nothing


def test_the_confirmed_post_makes_the_request(seeker_client, seeker, agency, conversation):
    response = seeker_client.post(LIST_URL, {"organization": conversation.organization_id, "confirm": "on"}, follow=True)

    assert response.redirect_chain == [(LIST_URL, 302)]
    request = DeletionRequest.objects.get()
    assert (request.conversation, request.organization, request.due_on) == (conversation, agency, date(2026, 12, 10))
    assert AuditEvent.objects.get(verb="deletion.request").actor == seeker
    html = page(response)
    assert "削除・廃棄を依頼しました。" in html
    assert "依頼済み(回答期限 2026年12月10日)" in html
    assert confirm_url(conversation) not in html


@pytest.mark.parametrize("confirm", [None, "", "false"])
def test_a_post_without_the_confirmation_makes_nothing_and_leads_to_it(seeker_client, conversation, confirm):
    data = {"organization": conversation.organization_id} | ({} if confirm is None else {"confirm": confirm})

    response = seeker_client.post(LIST_URL, data, follow=True)

    assert response.redirect_chain == [(confirm_url(conversation), 302)]
    assert not DeletionRequest.objects.exists()
    assert not AuditEvent.objects.filter(verb="deletion.request").exists()
    html = page(response)
    assert "削除・廃棄の依頼はまだ送っていません。依頼する前に、次の内容をご確認ください。" in html
    assert "依頼すると、次のようになります" in html


def test_a_conversation_already_asked_about_goes_back_to_the_list(seeker_client, agency, conversation):
    DeletionRequestFactory(conversation=conversation)

    response = seeker_client.get(confirm_url(conversation), follow=True)

    assert response.redirect_chain == [(LIST_URL, 302)]
    assert f"{agency.name} にはすでに削除・廃棄を依頼しています。" in page(response)
    assert DeletionRequest.objects.count() == 1


# --- access -------------------------------------------------------------------------------------------------


def test_another_seekers_conversation_is_a_404(seeker_client, conversation, others_conversation, municipality):
    response = seeker_client.get(confirm_url(others_conversation))

    assert response.status_code == 404
    assert municipality.name not in page(response)
    assert seeker_client.post(LIST_URL, {"organization": others_conversation.organization_id, "confirm": "on"}).status_code == 404
    assert not DeletionRequest.objects.exists()


def test_a_conversation_that_does_not_exist_is_a_404(seeker_client, conversation):
    assert seeker_client.get(f"/seekers/deletion-requests/{conversation.organization_id + 1000}/confirm/").status_code == 404
    assert seeker_client.get("/seekers/deletion-requests/99999999999999999999/confirm/").status_code == 404


def test_anonymous_is_sent_to_the_login_page(client, conversation):
    url = confirm_url(conversation)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("who", ["member_client", "staff_client"])
def test_other_roles_cannot_open_the_confirmation(request, conversation, who):
    client = request.getfixturevalue(who)

    assert client.get(confirm_url(conversation)).status_code == 403
    assert client.post(LIST_URL, {"organization": conversation.organization_id, "confirm": "on"}).status_code == 403
    assert not DeletionRequest.objects.exists()


def test_the_confirmation_page_takes_no_post(seeker_client, conversation):
    response = seeker_client.post(confirm_url(conversation), {"organization": conversation.organization_id, "confirm": "on"})

    assert response.status_code == 405
    assert not DeletionRequest.objects.exists()


# --- organisations that only viewed the profile (SPEC rule 18) -----------------------------------------------


def test_an_organisation_that_only_viewed_is_offered_and_asked(seeker_client, account, municipality):
    from seekers.models import ProfileView

    ProfileView.objects.create(profile_id=account.application_id, organization=municipality)
    url = f"/seekers/deletion-requests/{municipality.pk}/confirm/"

    listing = main(page(seeker_client.get(LIST_URL)))
    assert f'href="{url}">{municipality.name} に削除・廃棄を依頼する</a>' in listing
    assert "求職情報を閲覧" in listing
    assert seeker_client.get(url).status_code == 200
    response = seeker_client.post(LIST_URL, {"organization": municipality.pk, "confirm": "on"})

    assert response.status_code == 302
    request = DeletionRequest.objects.get()
    assert (request.organization, request.conversation) == (municipality, None)


def test_an_organisation_that_saw_someone_else_is_the_same_404_as_none(seeker_client, others_conversation,
                                                                     municipality):
    missing = seeker_client.get(f"/seekers/deletion-requests/{municipality.pk + 1000}/confirm/")
    stranger = seeker_client.get(f"/seekers/deletion-requests/{municipality.pk}/confirm/")

    assert stranger.status_code == missing.status_code == 404
    assert main(page(stranger)) == main(page(missing))
    assert municipality.name not in page(stranger)
    assert seeker_client.post(LIST_URL, {"organization": municipality.pk, "confirm": "on"}).status_code == 404
    assert not DeletionRequest.objects.exists()
