from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "journal.messaging"
    label = "messaging"
    verbose_name = "Журнал: сообщения, объявления, уведомления"

    def ready(self) -> None:
        # The register announces marks, absences and final marks; messaging turns them into
        # notification events (COM-2, DIA-2). The register never imports messaging.
        from journal.messaging import receivers  # noqa: F401
