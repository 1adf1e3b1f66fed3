"""Back-office view of the outbox: what was sent to whom (masked), what failed, and "retry now"."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.notifications import services
from motcua.notifications.models import DeliveryAttempt, Notification
from motcua.notifications.text import normalise_phone


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("number", "at", "outcome", "provider", "error", "duration_ms")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("number", "id")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "created_at",
        "channel",
        "masked_recipient",
        "template",
        "status",
        "attempts",
        "next_attempt_at",
        "related",
    )
    list_filter = ("channel", "status")
    # Exact matches only: they use an index, and a partial phone number is no search key.
    search_fields = ("=recipient", "=related_id", "=provider_message_id")
    search_help_text = _("Exact phone number, e-mail address, related object id or provider message id.")
    show_full_result_count = False
    list_per_page = 50
    fields = (
        ("channel", "status"),
        "recipient",
        "template",
        "subject",
        "body",
        ("attempts", "max_attempts"),
        ("next_attempt_at", "claimed_at"),
        "last_error",
        ("sent_at", "provider_message_id"),
        ("related_type", "related_id"),
        ("created_at", "task_id"),
    )
    readonly_fields = [f for row in fields for f in (row if isinstance(row, tuple) else (row,))]
    inlines = [DeliveryAttemptInline]
    actions = ["retry_now"]

    @admin.display(description=_("recipient"))
    def masked_recipient(self, obj: Notification) -> str:
        return obj.masked_recipient

    @admin.display(description=_("related object"))
    def related(self, obj: Notification) -> str:
        if not obj.related_type and not obj.related_id:
            return "—"
        return f"{obj.related_type} #{obj.related_id}"

    def get_search_results(self, request, queryset, search_term):
        # "+84 912 345 678" finds what is stored as "0912345678".
        phone = normalise_phone(search_term)
        return super().get_search_results(request, queryset, phone or search_term)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Read-only: rows change only through delivery and the "retry now" action.
        return False

    def has_delete_permission(self, request, obj=None):
        # The outbox is the record of what the province told citizens; it is not edited away.
        return False

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("notifications.change_notification")

    @admin.action(description=_("Retry now"), permissions=["retry"])
    def retry_now(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True)[:1000])
        queued, skipped = services.retry_now(notification_ids=ids, actor=request.user)
        if queued:
            self.message_user(
                request,
                gettext("%(count)s notification(s) queued for delivery now.") % {"count": queued},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                gettext(
                    "%(count)s notification(s) skipped: already sent, being sent, expired one-time "
                    "codes or unusable recipients."
                )
                % {"count": skipped},
                messages.WARNING,
            )
