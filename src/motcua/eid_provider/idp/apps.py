from django.apps import AppConfig


class IdpConfig(AppConfig):
    name = "motcua.eid_provider.idp"
    label = "idp"
    verbose_name = "VNeID (môi trường thử nghiệm)"
    default_auto_field = "django.db.models.BigAutoField"
