"""Data behind the working-day calendar that administrators edit (the yearly schedule)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dates import WEEKDAYS
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

    def clean(self) -> None:
        """Refuse an override that would not change the day: it would only hide mistakes."""
        from motcua.core.calendar import WorkingCalendar

        if not isinstance(self.date, dt.date) or self.kind not in self.Kind.values:
            return
        try:
            default_working = WorkingCalendar.default_is_working_day(self.date)
        except ValueError as exc:
            raise ValidationError({"date": _("The calendar does not support this year.")}) from exc
        params = {"date": f"{self.date:%d/%m/%Y}", "weekday": WEEKDAYS[self.date.weekday()]}
        if self.kind == self.Kind.WORKING_DAY and default_working:
            raise ValidationError(
                {
                    "kind": _(
                        "%(date)s (%(weekday)s) is already a working day: it is a weekday and not a "
                        "public holiday. Remove this override, or choose “Day off” if that day is off."
                    )
                    % params
                }
            )
        if self.kind == self.Kind.DAY_OFF and self.date.weekday() >= 5:
            raise ValidationError(
                {
                    "kind": _(
                        "%(date)s (%(weekday)s) is already a weekly day off. Enter only the weekdays "
                        "that become days off and the Saturdays or Sundays that become working days."
                    )
                    % params
                }
            )


class CalendarSettings(models.Model):
    """Office hours and the afternoon cut-off, one row for the installation (giờ hành chính)."""

    morning_start = models.TimeField(_("morning opens"), default=dt.time(7, 0))
    morning_end = models.TimeField(_("morning closes"), default=dt.time(11, 30))
    afternoon_start = models.TimeField(_("afternoon opens"), default=dt.time(13, 30))
    afternoon_end = models.TimeField(_("afternoon closes"), default=dt.time(17, 0))
    cutoff = models.TimeField(
        _("cut-off time"),
        default=dt.time(15, 0),
        help_text=_(
            "Dossiers received after this time count from the next working day where the procedure says so."
        ),
    )

    class Meta:
        verbose_name = _("calendar settings")
        verbose_name_plural = _("calendar settings")

    def __str__(self) -> str:
        return str(_("Office hours"))

    def clean(self) -> None:
        times = (self.morning_start, self.morning_end, self.afternoon_start, self.afternoon_end, self.cutoff)
        if any(not isinstance(value, dt.time) for value in times):
            return
        errors = {}
        if not self.morning_start < self.morning_end:
            errors["morning_end"] = _("The morning must close after it opens.")
        if not self.morning_end <= self.afternoon_start:
            errors["afternoon_start"] = _("The afternoon cannot open before the morning closes.")
        if not self.afternoon_start < self.afternoon_end:
            errors["afternoon_end"] = _("The afternoon must close after it opens.")
        if not errors and not self.morning_start <= self.cutoff <= self.afternoon_end:
            errors["cutoff"] = _("The cut-off time must lie within office hours.")
        if errors:
            raise ValidationError(errors)
