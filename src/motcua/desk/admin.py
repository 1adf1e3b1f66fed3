from django.contrib import admin

from motcua.desk.models import OnlineOnlyDay


@admin.register(OnlineOnlyDay)
class OnlineOnlyDayAdmin(admin.ModelAdmin):
    list_display = ("agency", "weekday", "note")
    list_filter = ("weekday",)
    search_fields = ("agency__name", "agency__code")
    raw_id_fields = ("agency",)
