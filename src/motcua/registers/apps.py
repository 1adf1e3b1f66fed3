from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    name = "motcua.registers"
    label = "registers"
    verbose_name = _("National registers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The adapters register themselves with the port's registry on import.
        from motcua.registers.adapters import builtin, http  # noqa: F401
