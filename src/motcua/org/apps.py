from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "motcua.org"
    label = "org"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from motcua.org import signals  # noqa: F401
