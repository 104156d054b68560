"""Guidance templates (issue 16): named subject/body texts per organisation, with list, create, edit
and delete pages for its members, chosen on the guidance form (a GET chooser, ?template=<id>, that
fills the subject and body without JavaScript). The disclosures are never part of a template: a
template POST carrying them is refused, and a guidance sent from a template still carries them from
the organisation's record. Another organisation's template is a 404 on every page, the guidance form
too; anonymous → login, a seeker → 403."""

import pytest
from django.conf import settings

from accounts.models import AuditEvent
from messaging import services
from messaging.models import GuidanceTemplate, Message
from messaging.tests.factories import disclosures_of
from messaging.tests.helpers import public_id, textarea
from organizations.tests.factories import MemberFactory, OrganizationFactory
from tests.pages import error_summary, field_error, login, page, with_totp

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]

LIST = "/orgs/templates/"
NEW = "/orgs/templates/new/"
SUBJECT = "介護職の求人のご案内"
BODY = "はじめまして。首都圏の介護施設の求人を多数取り扱っています。\nご興味があればご返信ください。"


def template_of(organization, name="介護職", subject=SUBJECT, body=BODY) -> GuidanceTemplate:
    return services.guidance_template_create(actor=None, organization=organization, name=name, subject=subject,
                                             body=body)


# --- services ----------------------------------------------------------------------------------------------


def test_create_update_delete_are_audited(agency, agency_member):
    template = services.guidance_template_create(actor=agency_member, organization=agency, name=" 介護職 ",
                                                 subject="件名\r\nBcc: x@example.jp", body=BODY)
    assert template.subject == "件名 Bcc: x@example.jp"  # one line: no header injection through a template

    services.guidance_template_update(actor=agency_member, template=template, name="介護職", subject=SUBJECT,
                                      body=BODY + "追記")
    services.guidance_template_delete(actor=agency_member, template=template)

    verbs = list(AuditEvent.objects.filter(actor=agency_member).order_by("pk").values_list("verb", flat=True))
    assert verbs == ["guidance_template.create", "guidance_template.update", "guidance_template.delete"]
    update = AuditEvent.objects.get(verb="guidance_template.update")
    assert update.data["after"] == {"subject": SUBJECT, "body": BODY + "追記"}
    assert not GuidanceTemplate.objects.exists()


def test_a_name_once_per_organisation(agency):
    template_of(agency)
    template_of(OrganizationFactory())  # another organisation may use it

    with pytest.raises(services.TemplateRefused) as refused:
        template_of(agency)
    assert refused.value.field == "name"


def test_at_most_the_limit_per_organisation(agency, monkeypatch):
    monkeypatch.setattr(services, "GUIDANCE_TEMPLATES_PER_ORGANIZATION", 3)
    for number in range(3):
        template_of(agency, name=f"文面{number}")

    with pytest.raises(services.TemplateRefused) as refused:
        template_of(agency, name="もう一つ")
    assert refused.value.field is None and "3件まで" in refused.value.message


# --- the pages ---------------------------------------------------------------------------------------------


def test_a_member_creates_a_template(member_client, agency):
    assert "テンプレートはまだありません。" in page(member_client.get(LIST))

    response = member_client.post(NEW, {"name": "介護職", "subject": SUBJECT, "body": BODY})

    assert response.status_code == 302 and response["Location"] == LIST
    template = GuidanceTemplate.objects.get()
    assert (template.organization, template.name, template.subject, template.body) == (agency, "介護職", SUBJECT, BODY)
    html = page(member_client.get(LIST))
    assert "テンプレートを作成しました。" in html and "介護職の求人のご案内" in html


def test_errors_are_beside_their_fields_and_the_text_is_kept(member_client, agency):
    template_of(agency)

    response = member_client.post(NEW, {"name": "介護職", "subject": "", "body": "x" * (settings.MESSAGE_BODY_MAX + 1)})

    assert response.status_code == 200
    assert field_error(response, "subject") == "件名を入力してください。"
    assert field_error(response, "body").startswith("本文は10,000文字以内にしてください")
    assert textarea(page(response), "body") == "x" * (settings.MESSAGE_BODY_MAX + 1)

    response = member_client.post(NEW, {"name": "介護職", "subject": SUBJECT, "body": BODY})
    assert field_error(response, "name") == "同じ名前のテンプレートがすでにあります。別の名前にしてください。"
    assert GuidanceTemplate.objects.count() == 1


def test_a_template_cannot_carry_the_disclosures(member_client, agency):
    response = member_client.post(NEW, {"name": "手数料入り", "subject": SUBJECT, "body": BODY,
                                        "fees": "手数料は無料です。", "track_record": "100件"})

    assert response.status_code == 200
    assert "テンプレートには含められません" in error_summary(response)
    assert not GuidanceTemplate.objects.exists()


def test_edit(member_client, agency):
    template = template_of(agency)
    url = f"/orgs/templates/{template.pk}/"
    assert textarea(page(member_client.get(url)), "body") == BODY

    response = member_client.post(url, {"name": "介護職(夜勤)", "subject": SUBJECT, "body": "夜勤のある求人です。"})

    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.name, template.body) == ("介護職(夜勤)", "夜勤のある求人です。")


def test_delete_asks_first(member_client, agency):
    template = template_of(agency)
    url = f"/orgs/templates/{template.pk}/delete/"

    assert "テンプレート「介護職」を削除します。" in page(member_client.get(url))
    assert GuidanceTemplate.objects.exists()
    assert member_client.post(url).status_code == 302
    assert not GuidanceTemplate.objects.exists()


def test_every_member_of_the_organisation_shares_them(agency):
    template = template_of(agency)
    colleague = login(with_totp(MemberFactory(organization=agency).user))

    assert colleague.get(f"/orgs/templates/{template.pk}/").status_code == 200


@pytest.mark.parametrize("suffix", ["", "delete/"])
def test_another_organisations_template_is_a_404(municipality_client, agency, suffix):
    template = template_of(agency)

    assert municipality_client.get(f"/orgs/templates/{template.pk}/{suffix}").status_code == 404
    assert municipality_client.post(f"/orgs/templates/{template.pk}/{suffix}",
                                    {"name": "x", "subject": "x", "body": "x"}).status_code == 404
    assert GuidanceTemplate.objects.get().name == "介護職"


@pytest.mark.parametrize("url", [LIST, NEW])
def test_anonymous_goes_to_login(anonymous, url):
    response = anonymous.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", [LIST, NEW])
def test_a_seeker_is_refused(seeker_client, url):
    assert seeker_client.get(url).status_code == 403


def test_the_list_reads_in_constant_queries(member_client, agency, django_assert_num_queries):
    member_client.get(LIST)
    for count in (2, 5):
        while GuidanceTemplate.objects.count() < count:
            template_of(agency, name=f"文面{GuidanceTemplate.objects.count()}")
        # The session, the user with their membership and its organisation (one join,
        # accounts.backends.get_user; member_required checks it), the MFA gate, the templates.
        with django_assert_num_queries(4):
            member_client.get(LIST)


# --- the chooser on the guidance form ---------------------------------------------------------------------


def test_the_guidance_form_offers_the_templates_and_fills_from_the_chosen_one(member_client, agency, account):
    template = template_of(agency)
    template_of(agency, name="事務職", subject="事務職のご案内", body="事務職の求人です。")
    url = f"/orgs/seekers/{public_id(account)}/guide/"

    html = page(member_client.get(url))
    assert '<select name="template" id="id_template"' in html
    assert f'<option value="{template.pk}">介護職</option>' in html
    assert textarea(html, "body") == ""

    html = page(member_client.get(url, {"template": template.pk}))
    assert f'<option value="{template.pk}" selected>介護職</option>' in html
    assert f'name="subject" value="{SUBJECT}"' in html
    assert textarea(html, "body") == BODY


def test_a_guidance_sent_from_a_template_carries_the_disclosures_from_the_record(member_client, agency, account):
    template = template_of(agency)
    url = f"/orgs/seekers/{public_id(account)}/guide/?template={template.pk}"

    response = member_client.post(url, {"subject": template.subject, "body": template.body})

    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.subject, message.body) == (SUBJECT, BODY)
    assert message.disclosures == disclosures_of(agency)


@pytest.mark.parametrize("value", ["other", "abc", "99999999999999999999", "-1"])
def test_another_organisations_or_a_made_up_template_on_the_guidance_form_is_a_404(
        member_client, account, value):
    other = template_of(OrganizationFactory())
    template_id = other.pk if value == "other" else value

    response = member_client.get(f"/orgs/seekers/{public_id(account)}/guide/", {"template": template_id})

    assert response.status_code == 404
    assert SUBJECT not in page(response)


def test_without_templates_the_form_says_where_to_make_them(member_client, account):
    html = page(member_client.get(f"/orgs/seekers/{public_id(account)}/guide/"))

    assert 'name="template"' not in html
    assert f'href="{LIST}"' in html


def test_the_batch_form_offers_the_templates_keeps_the_ticked_ids_and_fills_from_the_chosen_one(
        member_client, agency, account):
    template = template_of(agency)
    ids = [public_id(account)]

    html = page(member_client.get("/orgs/guidance/new/", {"public_id": ids, "scope": "ticked"}))
    assert f'<option value="{template.pk}">介護職</option>' in html
    # The chooser's GET form carries the ticked ids, so choosing a template keeps them.
    assert html.count(f'type="hidden" name="public_id" value="{ids[0]}"') == 2

    html = page(member_client.get("/orgs/guidance/new/", {"public_id": ids, "scope": "ticked",
                                                          "template": template.pk}))
    assert f'name="subject" value="{SUBJECT}"' in html
    assert textarea(html, "body") == BODY
    assert "選んだ 1 人" in html

    other = template_of(OrganizationFactory())
    assert member_client.get("/orgs/guidance/new/", {"public_id": ids, "template": other.pk}).status_code == 404
