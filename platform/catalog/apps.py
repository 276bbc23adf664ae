from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Центральные шаблоны"

    def ready(self) -> None:
        from catalog import services
        from tenants.signals import school_created

        # A new school adopts the operator's default templates (TPL).
        school_created.connect(services.on_school_created, dispatch_uid="catalog_school_defaults")
