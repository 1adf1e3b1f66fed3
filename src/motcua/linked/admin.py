from django.contrib import admin

from motcua.linked.models import Stage


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    """Read-only: stages change only through their dossiers' transitions and the callback."""

    list_display = ("application", "position", "procedure_code", "agency", "state", "due_at", "connector")
    list_filter = ("state", "connector", "agency_kind")
    search_fields = ("application__code", "dossier__code", "procedure_code", "external_reference")
    raw_id_fields = ("application", "dossier", "agency")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
