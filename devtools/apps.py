from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Development tools: the demo data of `make run` and the benchmarks. Installed by the local and
    test settings only; production never loads it, nor the factories it builds with."""

    name = "devtools"
    verbose_name = "開発用"
