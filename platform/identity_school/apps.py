from django.apps import AppConfig


class IdentitySchoolConfig(AppConfig):
    name = "identity_school"
    verbose_name = "Вход и учётные записи школы"

    def ready(self) -> None:
        from identity_school import audit

        audit.connect()
