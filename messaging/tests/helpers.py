"""What the messaging page tests share: sending through the services as the pages do, reading the
inbox table, and the texts and sizes the pages are checked against."""

import re

from messaging import services
from messaging.models import Message
from messaging.tests.factories import disclosures_of
from organizations.models import Organization

CLOSED = "このやりとりは終了しました"
SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
TEN_MB = 10 * 1024 * 1024
MAX_LENGTH_ERROR = "この値は 10000 文字以下でなければなりません( 10001 文字になっています)。"


def inbox_rows(html: str) -> list[str]:
    tbody = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    return re.findall(r"<tr>(.*?)</tr>", tbody.group(1), re.S) if tbody else []


def public_id(account) -> str:
    return account.application.profile.public_id


def guide(member, account, **kwargs) -> Message:
    organization = Organization.objects.get(pk=member.membership.organization_id)
    return services.guidance_send(
        actor=member, organization=organization, public_id=public_id(account),
        subject=kwargs.get("subject", "介護職の求人のご案内"), body=kwargs.get("body", "求人をご紹介できます。"),
        disclosures=kwargs.get("disclosures", disclosures_of(organization)),
    )


def reply(account, conversation, kind="question", subject="質問があります", body="夜勤はありますか。") -> Message:
    return services.seeker_reply(actor=account.user, account=account, conversation=conversation, kind=kind,
                                 subject=subject, body=body)


def seeker_replies():
    return Message.objects.filter(sender="seeker")


def guide_data(organization, **overrides) -> dict:
    return {"subject": "介護職のご案内", "body": "求人をご紹介できます。", **disclosures_of(organization), **overrides}
