from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("利用団体")

    def ready(self):
        from .reference_cache import connect_signals

        connect_signals()
