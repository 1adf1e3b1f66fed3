"""Read-mostly admin for meetings: the organiser pages (/hop/quan-ly/) are where work happens."""

from django.contrib import admin

from motcua.meetings.models import AccessEvent, Delegate, Meeting


class DelegateInline(admin.TabularInline):
    model = Delegate
    fields = (
        "full_name",
        "position",
        "group",
        "substitute_for",
        "checked_in_at",
        "check_in_method",
        "revoked_at",
    )
    readonly_fields = ("checked_in_at", "check_in_method", "revoked_at")
    fk_name = "meeting"
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "body", "agency", "starts_at", "ends_at")
    search_fields = ("code", "title")
    list_select_related = ("agency",)
    raw_id_fields = ("agency", "organiser")
    inlines = [DelegateInline]


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """The read audit is append-only: viewable, never editable."""

    list_display = ("at", "meeting", "delegate", "version", "action", "reason", "assisted_by")
    list_filter = ("action",)
    list_select_related = ("meeting", "delegate", "version__document", "assisted_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
