"""Administrative units (đơn vị hành chính) and agencies (cơ quan, đơn vị)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AdministrativeUnit(models.Model):
    """A province or a commune-level unit with its GSO code, effective-dated.

    Units are never deleted: when units merge, the old rows get ``valid_to`` and succession
    links, so records made under them keep pointing at what existed at the time.
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
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
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
            models.UniqueConstraint(fields=["level", "code", "valid_from"], name="unit_code_unique_per_period"),
        ]
        indexes = [models.Index(fields=["parent", "valid_to"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from motcua.core.text import fold

        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class Agency(models.Model):
    """An agency in the province's tree — cơ quan: People's Committees, centres, departments…

    ``unit_code`` is the identifier from QCVN 102:2016/BTTTT used as the prefix of dossier codes
    (e.g. ``000.00.80.H59``). ``path`` is a materialised path of ids ("/1/4/17/") so an agency's
    subtree is one indexed prefix query.
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

    code = models.CharField(_("unit identifier code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent agency"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
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
