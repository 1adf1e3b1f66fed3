"""Administrative units edited one by one (admin, shell): the cached lists start afresh.

Bulk loads and successions call :func:`motcua.org.selectors.units_changed` themselves.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from motcua.org.models import AdministrativeUnit
from motcua.org.selectors import units_changed


@receiver(post_save, sender=AdministrativeUnit)
@receiver(post_delete, sender=AdministrativeUnit)
def _unit_changed(sender, **kwargs) -> None:
    transaction.on_commit(units_changed)
