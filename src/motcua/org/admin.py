"""Admin for administrative units (mostly read-only: they come from ``load_units``) and for
agencies (tree order; agency administrators see and edit only their own subtree)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from motcua.core.text import fold
from motcua.org.models import AdministrativeUnit, Agency


def _folded_search(queryset, search_term: str, *, code_field: str = "code"):
    """Match ``search_term`` against the code as typed and the folded name (no diacritics)."""
    term = search_term.strip()
    if not term:
        return queryset
    condition = Q(**{f"{code_field}__icontains": term})
    folded = fold(term)
    if folded:
        condition |= Q(name_folded__contains=folded)
    return queryset.filter(condition)


class CurrentFilter(admin.SimpleListFilter):
    title = _("in force")
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [("yes", _("In force today")), ("no", _("Ended or not yet started"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        current = Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        if self.value() == "yes":
            return queryset.filter(current)
        if self.value() == "no":
            return queryset.exclude(current)
        return queryset


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "division_type", "level", "parent", "valid_from", "valid_to")
    list_filter = ("level", CurrentFilter, "division_type")
    search_fields = ("code", "name_folded")
    search_help_text = _("GSO code or name; accents are optional.")
    list_select_related = ("parent",)
    list_per_page = 100
    readonly_fields = ("code", "name", "division_type", "level", "parent", "valid_from", "predecessor_list")
    fields = (
        "code",
        "name",
        "division_type",
        "level",
        "parent",
        "valid_from",
        "valid_to",
        "successors",
        "predecessor_list",
    )
    autocomplete_fields = ("successors",)

    def get_search_results(self, request, queryset, search_term):
        return _folded_search(queryset, search_term), False

    @admin.display(description=_("preceded by"))
    def predecessor_list(self, obj):
        return ", ".join(f"{u.name} ({u.code})" for u in obj.predecessors.all()) or "—"

    def has_add_permission(self, request):
        # Units are loaded with ``motcua load_units``; mergers are recorded with succession.
        return False

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self._is_agency_admin(request)

    def has_view_permission(self, request, obj=None):
        # Agency administrators pick units for their agencies (autocomplete), so they may read them.
        return super().has_view_permission(request, obj) or self._is_agency_admin(request)

    @staticmethod
    def _is_agency_admin(request) -> bool:
        from motcua.accounts.selectors import administers_any

        return request.user.is_active and request.user.is_staff and administers_any(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


class AgencyAdminForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "parent",
            "unit",
            "address",
            "phone",
            "email",
            "opening_hours",
            "is_active",
        ]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self):
        cleaned = super().clean()
        parent = cleaned.get("parent")
        user = getattr(self.request, "user", None)
        if user is not None and not user.is_superuser:
            from motcua.accounts.selectors import administered_agencies

            if parent is None:
                raise forms.ValidationError(
                    {
                        "parent": _(
                            "Choose the parent agency; only a province administrator can add a top-level agency."
                        )
                    }
                )
            if not administered_agencies(user).filter(pk=parent.pk).exists():
                raise forms.ValidationError(
                    {"parent": _("You can only place agencies inside the agencies you administer.")}
                )
        if (
            parent is not None
            and self.instance.pk is not None
            and (parent.pk == self.instance.pk or f"/{self.instance.pk}/" in parent.path)
        ):
            raise forms.ValidationError(
                {
                    "parent": _(
                        "An agency cannot be placed under itself or under one of its own sub-agencies. "
                        "Choose another parent agency."
                    )
                }
            )
        return cleaned


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    """Agencies in tree order. Non-superusers see the agencies in their scope
    (``visible_agencies``) and change only those they administer (agency or province admin)."""

    form = AgencyAdminForm
    list_display = ("tree_name", "code", "kind", "unit", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name_folded")
    search_help_text = _("Unit identifier code or name; accents are optional.")
    list_select_related = ("unit",)
    ordering = ("path",)
    list_per_page = 100
    autocomplete_fields = ("parent", "unit")
    readonly_fields = ("path",)

    @admin.display(description=_("name"), ordering="path")
    def tree_name(self, obj):
        return format_html("{}{}", "— " * obj.depth, obj.name)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class RequestForm(form_class):
            def __init__(self, *args, **kw):
                kw.setdefault("request", request)
                super().__init__(*args, **kw)

        return RequestForm

    def get_search_results(self, request, queryset, search_term):
        return _folded_search(queryset, search_term), False

    def get_queryset(self, request):
        from motcua.accounts.selectors import visible_agencies

        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs & visible_agencies(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent" and not request.user.is_superuser:
            from motcua.accounts.selectors import administered_agencies

            kwargs["queryset"] = administered_agencies(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Permissions: Django's model permissions, or the officer's roles in the tree.
    def _roles_allow(self, request, obj=None) -> bool:
        from motcua.accounts import selectors

        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if obj is None:
            return selectors.administers_any(user)
        return selectors.can_administer(user, obj)

    def has_module_permission(self, request):
        from motcua.accounts.selectors import visible_agencies

        return super().has_module_permission(request) or (
            request.user.is_active and request.user.is_staff and visible_agencies(request.user).exists()
        )

    def has_view_permission(self, request, obj=None):
        from motcua.accounts import selectors

        user = request.user
        if user.is_superuser:
            return True
        in_scope = obj is None or selectors.can_see(user, obj)
        allowed = super().has_view_permission(request, obj) or (
            user.is_active and user.is_staff and selectors.visible_agencies(user).exists()
        )
        return allowed and in_scope

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        # An auditor or a desk officer sees the tree but cannot change it.
        return self._roles_allow(request, obj)

    def has_add_permission(self, request):
        return request.user.is_superuser or self._roles_allow(request)

    def has_delete_permission(self, request, obj=None):
        # Agencies are deactivated (``is_active``), not deleted: dossiers and roles refer to them.
        return request.user.is_superuser and obj is not None and not obj.children.exists()
