from django.apps import AppConfig


class ReformConfig(AppConfig):
    name = "motcua.reform"
    label = "reform"
    default_auto_field = "django.db.models.BigAutoField"
