from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeekersConfig(AppConfig):
    name = "seekers"
    verbose_name = _("求職者")

    def ready(self):
        from .search import facets  # noqa: F401 - registers the has_facets lookup
