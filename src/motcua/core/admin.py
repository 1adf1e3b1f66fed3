from django.contrib import admin, messages
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.core.calendar import statutory_holiday_name
from motcua.core.calendar_models import CalendarSettings, DayOverride
from motcua.core.models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "object_type", "object_repr", "ip_address")
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "object_repr", "object_id")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OverrideYearFilter(admin.SimpleListFilter):
    """Năm: the yearly schedule is published and checked one year at a time."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


def _default_status(day) -> str:
    try:
        name = statutory_holiday_name(day)
    except ValueError:
        return "—"
    if name:
        return gettext("Public holiday: %(name)s") % {"name": name}
    if day.weekday() >= 5:
        return gettext("Weekly day off")
    return gettext("Working day")


@admin.register(DayOverride)
class DayOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "kind", "reason", "source", "without_override")
    list_filter = (OverrideYearFilter, "kind")
    search_fields = ("reason", "source")
    date_hierarchy = "date"
    ordering = ("date",)
    fields = ("date", "kind", "reason", "source")

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj):
        return WEEKDAYS[obj.date.weekday()]

    @admin.display(description=_("without the override"))
    def without_override(self, obj):
        return _default_status(obj.date)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        name = statutory_holiday_name(obj.date)
        params = {"date": f"{obj.date:%d/%m/%Y}", "name": name}
        if name and obj.kind == DayOverride.Kind.DAY_OFF:
            messages.warning(
                request,
                gettext(
                    "%(date)s is already a public holiday (%(name)s). The override keeps it a day off "
                    "even if the statutory rules change."
                )
                % params,
            )
        elif name and obj.kind == DayOverride.Kind.WORKING_DAY:
            messages.warning(
                request,
                gettext("%(date)s is a public holiday (%(name)s). The override makes it a working day.")
                % params,
            )


@admin.register(CalendarSettings)
class CalendarSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "morning_start", "morning_end", "afternoon_start", "afternoon_end", "cutoff")
    fieldsets = (
        (
            _("Office hours"),
            {"fields": (("morning_start", "morning_end"), ("afternoon_start", "afternoon_end"))},
        ),
        (None, {"fields": ("cutoff",)}),
    )

    def has_add_permission(self, request):
        # One row for the installation: the data migration creates it.
        return not CalendarSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
