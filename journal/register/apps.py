from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "journal.register"
    label = "register"
    verbose_name = "Журнал: уроки, отметки, посещаемость"

    def ready(self) -> None:
        # pgtrigger (ready before us) gives Django's makemigrations and migrate its own
        # autodetector, but our `migrate` is django-tenants' command, which keeps Django's:
        # Django 5.2's check commands.E001 then fails. Give the tenants' command the same one.
        from django.core.management.commands import makemigrations
        from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

        MigrateSchemasCommand.autodetector = makemigrations.Command.autodetector
