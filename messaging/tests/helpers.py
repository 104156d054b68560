"""What the messaging page tests share: sending through the services as the pages do, reading the
inbox table, and the texts and sizes the pages are checked against."""

import re
from html import unescape

from messaging import services
from messaging.models import Message
from organizations.models import Organization

CLOSED = "このやりとりは終了しました"
SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
TEN_MB = 10 * 1024 * 1024
MAX_LENGTH_ERROR = "本文は10,000文字以内にしてください(入力された文字数: 10,001文字)。"


def inbox_rows(html: str) -> list[str]:
    tbody = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    return re.findall(r"<tr[^>]*>(.*?)</tr>", tbody.group(1), re.S) if tbody else []


def cells(row: str) -> list[str]:
    """The text of each cell of an inbox row."""
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def textarea(html: str, name: str) -> str:
    """The text a page puts back in a textarea (unescaped; Django's leading newline dropped)."""
    match = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    return unescape(match.group(1)).removeprefix("\n") if match else ""


def public_id(account) -> str:
    return account.application.profile.public_id


def guide(member, account, **kwargs) -> Message:
    organization = Organization.objects.get(pk=member.membership.organization_id)
    return services.guidance_send(
        actor=member, organization=organization, public_id=public_id(account),
        subject=kwargs.get("subject", "介護職の求人のご案内"), body=kwargs.get("body", "求人をご紹介できます。"),
    )


def reply(account, conversation, kind="question", subject="質問があります", body="夜勤はありますか。") -> Message:
    return services.seeker_reply(actor=account.user, account=account, conversation=conversation, kind=kind,
                                 subject=subject, body=body)


def seeker_replies():
    return Message.objects.filter(sender="seeker")


def guide_data(organization=None, **overrides) -> dict:
    """What the guidance form posts: subject and body only (the disclosures come from the record)."""
    return {"subject": "介護職のご案内", "body": "求人をご紹介できます。", **overrides}
