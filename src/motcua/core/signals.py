"""Admin changes are audited: every LogEntry Django's admin writes becomes an AuditRecord."""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry, LogEntryManager
from django.db.models.signals import post_save
from django.dispatch import receiver

from motcua.core import audit

_ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}


def _audit_log_entry(entry: LogEntry) -> None:
    content_type = entry.content_type
    audit.record(
        action=_ACTIONS.get(entry.action_flag, "admin.other"),
        object_type=f"{content_type.app_label}.{content_type.model}" if content_type else "",
        object_id=entry.object_id or "",
        object_repr=entry.object_repr,
        changes={"message": entry.get_change_message()},
        actor=entry.user,
    )


@receiver(post_save, sender=LogEntry, dispatch_uid="motcua-audit-admin-log")
def audit_admin_change(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    if created:
        _audit_log_entry(instance)


# The admin's bulk actions (e.g. "delete selected") write their LogEntry rows with
# bulk_create, which sends no post_save; wrap that one path so those changes are audited too.
_log_actions = LogEntryManager.log_actions


def _log_actions_audited(self, user_id, queryset, action_flag, change_message="", *, single_object=False):
    result = _log_actions(self, user_id, queryset, action_flag, change_message, single_object=single_object)
    if not single_object and len(result) > 1:  # a single row was saved: post_save fired
        for entry in result:
            _audit_log_entry(entry)
    return result


if not getattr(LogEntryManager.log_actions, "_motcua_audited", False):
    _log_actions_audited._motcua_audited = True
    LogEntryManager.log_actions = _log_actions_audited
