from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Школы"

    def ready(self) -> None:
        # pgtrigger swaps the autodetector of Django's makemigrations and migrate for one
        # that knows triggers; django-tenants' migrate must use the same one, or Django's
        # check commands.E001 fails.
        from django.core.management.commands import makemigrations
        from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

        MigrateSchemasCommand.autodetector = makemigrations.Command.autodetector

        # A connection is closed after it has served K schools (#17): bounded backends.
        from tenants.recycling import connect_signals

        connect_signals()

        # platform_migrate at many schools: no scan of every school's relations per school.
        from tenants import recorder

        recorder.install()
