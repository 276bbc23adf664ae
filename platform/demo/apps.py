from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo municipality's commands (`demo_seed`, `demo_code`): they build on every
    other app, so none of those depends on them."""

    name = "demo"
    verbose_name = "Демонстрационные данные"
