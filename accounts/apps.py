from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    # Not "アカウント": allauth's own app has that name, and the seekers' app lists 求職者アカウント.
    verbose_name = _("ユーザー・監査記録・送信メール")

    def ready(self):
        from config import lookups

        lookups.register()
