"""Desk configuration: online-only days (ngày chỉ tiếp nhận trực tuyến)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.org.models import Agency


class OnlineOnlyDay(models.Model):
    """A weekday on which an agency's desk takes no walk-in intake: citizens are helped to submit
    online themselves. Procedures not offered online and exempt citizens are still taken."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="online_only_days"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("online-only day")
        verbose_name_plural = _("online-only days")
        constraints = [models.UniqueConstraint(fields=["agency", "weekday"], name="online_only_day_unique")]
        ordering = ["agency", "weekday"]

    def __str__(self) -> str:
        return f"{self.agency}: {self.get_weekday_display()}"
