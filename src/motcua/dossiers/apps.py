from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from motcua.dossiers import backoffice, receivers, services  # noqa: F401  (receivers, lifecycle effects)
