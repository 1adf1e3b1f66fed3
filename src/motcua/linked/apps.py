from django.apps import AppConfig


class LinkedConfig(AppConfig):
    name = "motcua.linked"
    label = "linked"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Linked procedures"

    def ready(self) -> None:
        from motcua.dossiers import services as dossier_services
        from motcua.linked import services  # noqa: F401 — registers the lifecycle effects and hooks

        if services.stage_check not in dossier_services.SUBMISSION_CHECKS:
            dossier_services.SUBMISSION_CHECKS.append(services.stage_check)
