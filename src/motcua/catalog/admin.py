"""Catalog administration. Drafts are edited here; published versions are read-only.

Publishing goes through :func:`motcua.catalog.services.publish_version`, which re-validates
the draft against the exchange schema.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from motcua.catalog import services
from motcua.catalog.exchange import CatalogImportError
from motcua.catalog.models import (
    Fee,
    LifeEvent,
    LinkedGroup,
    LinkedGroupMember,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    Sector,
)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en")
    search_fields = ("code", "name", "name_en")


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "position")
    search_fields = ("code", "name")


class _FrozenWhenPublished:
    """Inline rows can only change while their version is a draft."""

    extra = 0

    def _editable(self, obj) -> bool:
        return obj is None or obj.status == ProcedureVersion.Status.DRAFT

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class DocumentInline(_FrozenWhenPublished, admin.TabularInline):
    model = RequiredDocument
    fields = ("position", "code", "name", "requirement", "condition", "originals", "copies", "template_url")


class FeeInline(_FrozenWhenPublished, admin.TabularInline):
    model = Fee
    fields = ("position", "name", "channel", "amount", "valid_from", "valid_to", "basis", "note")


class StepInline(_FrozenWhenPublished, admin.TabularInline):
    model = ProcessStep
    fields = ("position", "code", "name", "role", "agency_kind", "agency", "hours")
    raw_id_fields = ("agency",)


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = (
        "procedure",
        "number",
        "name",
        "status",
        "is_current",
        "level",
        "online_level",
        "published_at",
    )
    list_filter = ("status", "is_current", "level", "online_level", "sector")
    search_fields = ("procedure__code", "name_folded", "name")
    list_select_related = ("procedure", "sector")
    inlines = [DocumentInline, FeeInline, StepInline]
    filter_horizontal = ("life_events",)
    raw_id_fields = ("agencies",)
    readonly_fields = ("procedure", "number", "status", "is_current", "published_at")
    actions = ["publish"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status != ProcedureVersion.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        # New versions start from "Create draft" on the procedure, so they copy the current one.
        return False

    def has_delete_permission(self, request, obj=None):
        return (
            obj is not None
            and obj.status == ProcedureVersion.Status.DRAFT
            and super().has_delete_permission(request, obj)
        )

    def save_model(self, request, obj, form, change):
        from motcua.core.text import fold

        obj.name_folded = fold(obj.name)
        obj.search_text = services.search_text_for(obj)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request, queryset):
        for version in queryset.filter(status=ProcedureVersion.Status.DRAFT):
            try:
                services.publish_version(version=version, actor=request.user)
            except CatalogImportError as exc:
                self.message_user(request, f"{version}: {exc}", messages.ERROR)
            else:
                self.message_user(request, _("Published %(v)s") % {"v": version}, messages.SUCCESS)


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    fields = ("number", "name", "status", "is_current", "published_at")
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "current_name")
    search_fields = ("code", "versions__name_folded")
    inlines = [VersionInline]
    actions = ["create_draft"]

    @admin.display(description=_("current name"))
    def current_name(self, obj):
        current = obj.versions.filter(is_current=True).first()
        return current.name if current else "—"

    @admin.action(description=_("Create a draft from the current version"))
    def create_draft(self, request, queryset):
        for procedure in queryset:
            try:
                draft = services.create_draft(procedure=procedure, actor=request.user)
            except services.CatalogRuleError as exc:
                self.message_user(request, f"{procedure}: {exc}", messages.ERROR)
            else:
                self.message_user(request, _("Draft %(v)s is ready to edit") % {"v": draft}, messages.SUCCESS)


class MemberInline(admin.TabularInline):
    model = LinkedGroupMember
    fields = ("position", "procedure", "agency_kind", "time_budget", "time_budget_unit", "optional")
    raw_id_fields = ("procedure",)
    extra = 0


@admin.register(LinkedGroup)
class LinkedGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "total_time", "total_time_unit")
    inlines = [MemberInline]
