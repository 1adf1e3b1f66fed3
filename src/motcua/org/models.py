"""Administrative units (đơn vị hành chính) and agencies (cơ quan, đơn vị)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from motcua.core.text import fold
from motcua.org.validators import validate_unit_identifier_code


class AdministrativeUnit(models.Model):
    """A province or a commune-level unit with its GSO code, effective-dated.

    Units are never deleted: when units merge, the old rows get ``valid_to`` and succession
    links, so records made under them keep pointing at what existed at the time. ``valid_from``
    and ``valid_to`` are both inclusive. Codes are strings: provinces two digits (``"80"``),
    communes five digits (``"27727"``); the same code may be reused by a later unit (old Long An
    and the new Tây Ninh are both ``"80"``), hence the uniqueness per ``valid_from``.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District (before 1 July 2025)")
        COMMUNE = "commune", _("Commune")

    code = models.CharField(_("GSO code"), max_length=10)
    name = models.CharField(_("name"), max_length=150)
    name_folded = models.CharField(max_length=150, editable=False, db_index=True)
    division_type = models.CharField(_("division type"), max_length=40, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self", verbose_name=_("succeeded by"), symmetrical=False, blank=True, related_name="predecessors"
    )

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code", "valid_from"], name="unit_code_unique_per_period"
            ),
        ]
        indexes = [
            models.Index(fields=["parent", "valid_to"]),
            models.Index(fields=["code", "valid_from"], name="unit_code_valid_from"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    def is_valid_on(self, day: datetime.date) -> bool:
        """True when the unit existed on ``day`` (both ends inclusive)."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Agency(models.Model):
    """An agency in the province's tree — cơ quan: People's Committees, centres, departments…

    ``code`` is the unit identifier code from QCVN 102:2016/BTTTT used as the prefix of dossier
    codes (e.g. ``000.00.30.H53``). ``path`` is a materialised path of ids ("/1/4/17/") so an
    agency's subtree is one indexed prefix query; :meth:`save` keeps it (and the descendants'
    paths, when the parent changes) correct whichever way the agency is saved.
    """

    class Kind(models.TextChoices):
        PROVINCE_PC = "province_pc", _("Provincial People's Committee")
        SERVICE_CENTRE = "service_centre", _("Provincial Public Administration Service Centre")
        DEPARTMENT = "department", _("Provincial department")
        PROVINCIAL_POLICE = "provincial_police", _("Provincial police")
        SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
        COMMUNE_PC = "commune_pc", _("Commune People's Committee")
        COMMUNE_ONE_STOP = "commune_one_stop", _("Commune public administration service centre")
        COMMUNE_POLICE = "commune_police", _("Commune police")
        OTHER = "other", _("Other")

    code = models.CharField(
        _("unit identifier code"), max_length=40, unique=True, validators=[validate_unit_identifier_code]
    )
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True, default="")
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["path"]
        indexes = [models.Index(fields=["kind", "unit"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        with transaction.atomic():
            parent_path = "/"
            if self.parent_id is not None:
                parent_path = (
                    Agency.objects.filter(pk=self.parent_id).values_list("path", flat=True).get() or "/"
                )
                if self.pk is not None and (self.parent_id == self.pk or f"/{self.pk}/" in parent_path):
                    raise ValidationError({"parent": ValidationError(_CYCLE_MESSAGE, code="cycle")})
            old_path = ""
            if self.pk is not None:
                old_path = Agency.objects.filter(pk=self.pk).values_list("path", flat=True).first() or ""
            super().save(*args, **kwargs)
            new_path = f"{parent_path}{self.pk}/"
            if old_path != new_path:
                Agency.objects.filter(pk=self.pk).update(path=new_path)
                if old_path:
                    Agency.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                        path=Concat(models.Value(new_path), Substr("path", len(old_path) + 1))
                    )
            self.path = new_path

    @property
    def depth(self) -> int:
        """0 for a root agency, 1 for its children, …"""
        return max(self.path.count("/") - 2, 0)

    def ancestor_ids(self, *, include_self: bool = True) -> list[int]:
        """Ids from the root down to this agency, read from ``path`` (no query)."""
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        return ids if include_self else ids[:-1]

    def clean(self) -> None:
        super().clean()
        if self.pk is not None and self.parent_id is not None:
            parent_path = (
                Agency.objects.filter(pk=self.parent_id).values_list("path", flat=True).first() or ""
            )
            if self.parent_id == self.pk or f"/{self.pk}/" in parent_path:
                raise ValidationError({"parent": ValidationError(_CYCLE_MESSAGE, code="cycle")})


_CYCLE_MESSAGE = _(
    "An agency cannot be placed under itself or under one of its own sub-agencies. Choose another parent agency."
)
