from django.apps import AppConfig


class LinkedConfig(AppConfig):
    name = "motcua.linked"
    label = "linked"
    default_auto_field = "django.db.models.BigAutoField"
