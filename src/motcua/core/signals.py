"""Admin changes are audited: every LogEntry Django's admin writes becomes an AuditRecord."""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from motcua.core import audit

_ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}


@receiver(post_save, sender=LogEntry, dispatch_uid="motcua-audit-admin-log")
def audit_admin_change(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    if not created:
        return
    content_type = instance.content_type
    audit.record(
        action=_ACTIONS.get(instance.action_flag, "admin.other"),
        object_type=f"{content_type.app_label}.{content_type.model}" if content_type else "",
        object_id=instance.object_id or "",
        object_repr=instance.object_repr,
        changes={"message": instance.get_change_message()},
        actor=instance.user,
    )
