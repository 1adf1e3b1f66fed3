from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "motcua.registers"
    label = "registers"
    default_auto_field = "django.db.models.BigAutoField"
