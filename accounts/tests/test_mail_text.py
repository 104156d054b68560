"""Mail text is plain text: a name with `& " ' < >` reaches the reader as typed in the text part and
the subject, and escaped in the HTML part (accounts.mail.mail_render, for every mail of the site)."""

import pytest
from django.core import mail

from accounts.mail import mail_render
from accounts.models import OutgoingEmail
from messaging.services import guidance_send
from organizations.services import member_invite
from organizations.tests.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

NAME = """株式会社A&B "X" 'Y' <Z>"""
ESCAPED = "株式会社A&amp;B &quot;X&quot; &#x27;Y&#x27; &lt;Z&gt;"


def html_part(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


@pytest.fixture
def organization(db):
    return OrganizationFactory(name=NAME)


def test_the_seeker_reads_the_organisation_name_as_typed(seeker, organization, django_capture_on_commit_callbacks):
    member = MemberFactory(organization=organization).user
    with django_capture_on_commit_callbacks(execute=True):
        guidance_send(actor=member, organization=organization,
                      public_id=seeker.seeker_account.application.profile.public_id, subject="求人のご案内",
                      body="介護職の求人をご紹介できます。")

    [message] = mail.outbox
    assert f"{NAME} から、求職情報提供サイトに最初の案内メッセージが届きました。" in message.body
    assert "&amp;" not in message.body and "&quot;" not in message.body and "&lt;" not in message.body
    html = html_part(message)
    assert f"<p>{ESCAPED} から、" in html
    assert NAME not in html


def test_the_invited_member_reads_the_organisation_name_as_typed(staff, organization,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        member_invite(actor=staff, organization=organization, email="new.member@agency.example.jp")

    [message] = mail.outbox
    assert message.body.startswith(f"{NAME} のメンバーとして、求職情報提供サイトに登録されました。")
    html = html_part(message)
    assert f"<p>{ESCAPED} のメンバーとして" in html
    assert NAME not in html


@pytest.fixture
def name_templates(settings):
    """Templates like the site's mail templates, with the name in the subject and in an included
    part, so every place a name can appear is rendered."""
    settings.TEMPLATES = [{
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", {
            "notice/email/names_subject.txt": "{% load i18n %}【求職情報提供サイト】{{ name }}\nからのお知らせ\n",
            "notice/email/names.txt": "{% load i18n %}{% blocktranslate %}{{ name }} からのお知らせです。{% endblocktranslate %}\n"
                                      "{% include 'notice/email/signature.txt' %}",
            "notice/email/signature.txt": "担当: {{ name }}\n",
            "notice/email/names.html": "<p>{{ name }} からのお知らせです。</p>{% include 'notice/email/signature.txt' %}",
        })]},
    }]


def test_subject_text_and_included_parts_are_verbatim_and_the_html_is_escaped(name_templates):
    rendered = mail_render(to="taro@example.jp", kind=OutgoingEmail.Kind.FIRST_GUIDANCE,
                           template="notice/email/names", context={"name": NAME})

    assert rendered.subject == f"【求職情報提供サイト】{NAME} からのお知らせ"  # folded onto one line
    assert rendered.body == f"{NAME} からのお知らせです。\n担当: {NAME}\n"
    assert rendered.html_body == f"<p>{ESCAPED} からのお知らせです。</p>担当: {ESCAPED}\n"
