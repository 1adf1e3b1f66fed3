"""Admin for the built-in register (residents, households) and the read-only lookup log.

Searching matches names without diacritics (``fold``) and personal ID numbers from their start;
the commune filter lists the province's communes in force. Opening a resident's page is a read
of personal data and is written to the audit log (design rule 5).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core import audit
from motcua.core.text import fold
from motcua.registers.models import Household, RegisterLookup, Resident
from motcua.registers.services import hash_personal_id
from motcua.registers.units import current_communes, unit_names


def _commune_choices() -> list[tuple[str, str]]:
    province = getattr(settings, "MOTCUA_PROVINCE_CODE", "80")
    codes = current_communes(province)
    names = unit_names(communes=codes)
    return sorted(((code, names.get(("commune", code), code)) for code in codes), key=lambda c: fold(c[1]))


class CommuneFilter(admin.SimpleListFilter):
    title = _("commune")
    parameter_name = "commune"
    field = "permanent_commune"

    def lookups(self, request, model_admin):
        return _commune_choices()

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field: self.value()})
        return queryset


class HouseholdCommuneFilter(CommuneFilter):
    field = "commune_code"


def _search(queryset, search_term: str, *, id_field: str | None, code_field: str | None = None):
    term = search_term.strip()
    if not term:
        return queryset
    condition = Q()
    compact = "".join(term.split())
    if id_field and compact.isdigit():
        condition |= Q(**{f"{id_field}__startswith": compact})
    if code_field:
        condition |= Q(**{f"{code_field}__icontains": term})
    if folded := fold(term):
        field = "full_name_folded" if id_field == "personal_id" else "head__full_name_folded"
        condition |= Q(**{f"{field}__contains": folded})
    return queryset.filter(condition)


class MemberInline(admin.TabularInline):
    model = Resident
    fields = ("full_name", "personal_id", "birth_date", "sex", "relation_to_head", "is_deceased")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("member")
    verbose_name_plural = _("members")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("code", "head", "commune_code", "address_detail")
    list_filter = (HouseholdCommuneFilter,)
    search_fields = ("code",)
    search_help_text = _("Household code or the head's name; accents are optional.")
    list_select_related = ("head",)
    raw_id_fields = ("head",)
    list_per_page = 100
    inlines = [MemberInline]

    def get_search_results(self, request, queryset, search_term):
        return _search(queryset, search_term, id_field=None, code_field="code"), False


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = (
        "full_name",
        "personal_id",
        "birth_date",
        "sex",
        "permanent_commune",
        "household",
        "relation_to_head",
    )
    list_filter = (CommuneFilter, "sex", "ethnicity", "is_deceased")
    search_fields = ("personal_id",)
    search_help_text = _("Name (accents optional) or the start of the personal ID number.")
    list_select_related = ("household",)
    raw_id_fields = ("father", "mother", "spouse", "household")
    list_per_page = 100
    show_full_result_count = False  # no COUNT(*) over millions of rows on every page
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "personal_id",
                    "full_name",
                    "birth_date",
                    "sex",
                    "ethnicity",
                    "nationality",
                    "phone",
                )
            },
        ),
        (
            _("Addresses"),
            {
                "fields": (
                    ("permanent_province", "permanent_commune", "permanent_detail"),
                    ("current_province", "current_commune", "current_detail"),
                )
            },
        ),
        (
            _("Family"),
            {
                "fields": (
                    ("father", "father_name"),
                    ("mother", "mother_name"),
                    "spouse",
                    ("household", "relation_to_head"),
                )
            },
        ),
        (_("Death"), {"fields": ("is_deceased", "death_date")}),
    )

    def get_search_results(self, request, queryset, search_term):
        return _search(queryset, search_term, id_field="personal_id"), False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            audit.record(
                action="registers.resident_viewed",
                object_type="registers.resident",
                object_id=str(object_id),
                actor=request.user,
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(RegisterLookup)
class RegisterLookupAdmin(admin.ModelAdmin):
    list_display = ("at", "adapter", "outcome", "duration_ms", "field_list")
    list_filter = ("adapter", "outcome")
    search_fields = ("personal_id_hash",)
    search_help_text = _("A personal ID number (12 digits): its lookups are found through the digest.")
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        term = "".join(search_term.split())
        if not term:
            return queryset, False
        if len(term) == 12 and term.isdigit():
            term = hash_personal_id(term)
        return queryset.filter(personal_id_hash=term.lower()), False

    @admin.display(description=_("requested fields"))
    def field_list(self, obj):
        return ", ".join(obj.fields)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
