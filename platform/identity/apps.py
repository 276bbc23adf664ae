from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = "Единый вход (ЕСИА)"

    def ready(self) -> None:
        from identity import checks  # noqa: F401 - registers the system checks
