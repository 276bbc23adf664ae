from django.apps import AppConfig


class ThrowawayConfig(AppConfig):
    name = "bench.throwaway"
    label = "bench_throwaway"
    default_auto_field = "django.db.models.BigAutoField"
