from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("メッセージ")

    def ready(self):
        from seekers.search import paging

        from .selectors import guidance_marker

        # The search results' 案内済み / 返信あり / 求職申込み希望 in the page's own statement.
        paging.annotate_rows("guidance_marker", guidance_marker)
