"""The laptop's mail backend (config/settings/local.py): each mail printed once, as its reader would see
it. Django's console backend prints the raw MIME message, where a Japanese subject and sender are
base64 (`=?utf-8?b?…?=`) and the HTML alternative repeats the text, so a 認証キー is hard to find."""

from email import message_from_bytes
from email.policy import default as default_policy

from django.core.mail.backends.console import EmailBackend as ConsoleBackend

RULE = "=" * 72


class ReadableConsoleBackend(ConsoleBackend):
    """Subject, From and To decoded, then the plain-text part; the HTML part only mentioned.

    The message still goes through `message()` and back through the email parser, so what is printed
    is what an SMTP server would receive (the same header checks, the same encoding round trip)."""

    def write_message(self, message):
        parsed = message_from_bytes(message.message().as_bytes(), policy=default_policy)
        text = parsed.get_body(preferencelist=("plain",))
        lines = [RULE]
        for name in ("Subject", "From", "To", "Cc", "Reply-To"):
            if parsed[name]:
                # Stripped: a folded header decodes with the whitespace it was folded at.
                lines.append(f"{name + ':':<8} {str(parsed[name]).strip()}")
        others = [part.get_content_type() for part in parsed.walk()
                  if not part.is_multipart() and part is not text]
        if others:
            lines.append(f"(not shown: {', '.join(others)})")
        lines.append("-" * 72)
        lines.append(text.get_content().rstrip("\n") if text is not None else "(no text part)")
        lines.append(RULE)
        self.stream.write("\n".join(lines) + "\n")
