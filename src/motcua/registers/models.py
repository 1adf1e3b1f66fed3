"""The built-in population register (residents and households) and the lookup log.

The tables stand in for the national population database (Cơ sở dữ liệu quốc gia về dân cư)
in the demo, in tests and at a province that has no data-exchange link yet. Addresses are
stored as GSO codes (province two digits, commune five digits) plus a free-text detail
(village, hamlet, street, house number), so they survive renamed units and need no foreign key
into ``org``.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.models import AppendOnlyModel
from motcua.core.text import fold


class Sex(models.TextChoices):
    MALE = "nam", _("male")
    FEMALE = "nu", _("female")


class Household(models.Model):
    """A household (hộ gia đình) at one permanent address, with its head (chủ hộ)."""

    code = models.CharField(_("household code"), max_length=30, unique=True)
    head = models.ForeignKey(
        "Resident",
        verbose_name=_("head of household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    province_code = models.CharField(_("province code"), max_length=2)
    commune_code = models.CharField(_("commune code"), max_length=5, db_index=True)
    address_detail = models.CharField(_("address detail"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Resident(models.Model):
    """A person in the register. ``personal_id`` is the 12-digit personal ID number.

    Parents and the spouse point at other residents when they are in the register; parents who
    are not (dead before the register existed, living abroad, unknown) are kept by name in
    ``father_name`` / ``mother_name``.
    """

    personal_id = models.CharField(_("personal ID number"), max_length=12, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    full_name_folded = models.CharField(max_length=150, editable=False, db_index=True, default="")
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=3, choices=Sex.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=40, default="Kinh")
    nationality = models.CharField(_("nationality"), max_length=60, default="Việt Nam")

    permanent_province = models.CharField(_("permanent address: province code"), max_length=2)
    permanent_commune = models.CharField(_("permanent address: commune code"), max_length=5, db_index=True)
    permanent_detail = models.CharField(_("permanent address: detail"), max_length=300, blank=True)
    current_province = models.CharField(_("current address: province code"), max_length=2)
    current_commune = models.CharField(_("current address: commune code"), max_length=5)
    current_detail = models.CharField(_("current address: detail"), max_length=300, blank=True)

    father = models.ForeignKey(
        "self",
        verbose_name=_("father"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children_as_father",
    )
    father_name = models.CharField(_("father's name (not in the register)"), max_length=150, blank=True)
    mother = models.ForeignKey(
        "self",
        verbose_name=_("mother"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children_as_mother",
    )
    mother_name = models.CharField(_("mother's name (not in the register)"), max_length=150, blank=True)
    spouse = models.ForeignKey(
        "self", verbose_name=_("spouse"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    relation_to_head = models.CharField(_("relation to the head of household"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=15, blank=True)
    is_deceased = models.BooleanField(_("deceased"), default=False)
    death_date = models.DateField(_("date of death"), null=True, blank=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["full_name_folded", "personal_id"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.full_name_folded = fold(self.full_name)
        super().save(*args, **kwargs)


class RegisterLookup(AppendOnlyModel):
    """One question put to the population register, for accountability (design rule 5).

    Holds no personal data: the personal ID number is kept only as a keyed SHA-256 digest
    (:func:`motcua.registers.services.hash_personal_id`), enough to answer "was this person
    looked up, when and for which fields" and nothing else. Never updated, never deleted.
    """

    class Outcome(models.TextChoices):
        OK = "ok", _("answered")
        NOT_FOUND = "not_found", _("not in the register")
        UNAVAILABLE = "unavailable", _("register unavailable")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    adapter = models.CharField(_("register"), max_length=30)
    personal_id_hash = models.CharField(_("personal ID digest"), max_length=64, db_index=True)
    fields = models.JSONField(_("requested fields"), default=list)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))

    class Meta:
        verbose_name = _("register lookup")
        verbose_name_plural = _("register lookups")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.adapter} {self.outcome}"
