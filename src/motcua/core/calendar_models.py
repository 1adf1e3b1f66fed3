"""Data behind the working-day calendar that administrators edit (the yearly schedule)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayOverride(models.Model):
    """One date whose status differs from the statutory default — lịch nghỉ bù, làm bù.

    The government publishes each year which weekdays become days off (swapped or bridging
    days) and which Saturdays become compensating working days; administrators enter them here.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    source = models.CharField(_("legal source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}: {self.reason}"


class CalendarSettings(models.Model):
    """Office hours and the afternoon cut-off, one row for the installation (giờ hành chính)."""

    morning_start = models.TimeField(_("morning opens"), default=dt.time(7, 0))
    morning_end = models.TimeField(_("morning closes"), default=dt.time(11, 30))
    afternoon_start = models.TimeField(_("afternoon opens"), default=dt.time(13, 30))
    afternoon_end = models.TimeField(_("afternoon closes"), default=dt.time(17, 0))
    cutoff = models.TimeField(
        _("cut-off time"),
        default=dt.time(15, 0),
        help_text=_("Dossiers received after this time count from the next working day where the procedure says so."),
    )

    class Meta:
        verbose_name = _("calendar settings")
        verbose_name_plural = _("calendar settings")

    def __str__(self) -> str:
        return str(_("Office hours"))
