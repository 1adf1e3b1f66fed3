"""Accounts: citizens, officers and their roles (vai trò)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.accounts.personal_id import validate_personal_id


class User(AbstractUser):
    """Everyone who logs in. Citizens are identified by their 12-digit personal ID number
    (số định danh cá nhân); officers have roles in agencies."""

    class AssuranceLevel(models.IntegerChoices):
        SELF_REGISTERED = 1, _("Level 1: self-registered")
        EID_VERIFIED = 2, _("Level 2: verified with the national e-ID")

    personal_id = models.CharField(
        _("personal ID number"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_personal_id],
        help_text=_("12 digits; checked for structure only (there is no check digit)."),
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    assurance_level = models.PositiveSmallIntegerField(
        _("assurance level"), choices=AssuranceLevel.choices, default=AssuranceLevel.SELF_REGISTERED
    )
    is_officer = models.BooleanField(_("officer"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.get_username()


class OfficerRole(models.Model):
    """A role an officer holds in an agency; what they may see is that agency's subtree."""

    class Role(models.TextChoices):
        DESK_OFFICER = "desk_officer", _("Desk officer")
        SPECIALIST = "specialist", _("Specialist")
        LEADER = "leader", _("Leader")
        AGENCY_ADMIN = "agency_admin", _("Agency administrator")
        PROVINCE_ADMIN = "province_admin", _("Province administrator")
        AUDITOR = "auditor", _("Auditor")

    user = models.ForeignKey(User, verbose_name=_("officer"), on_delete=models.CASCADE, related_name="roles")
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="officer_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("officer role")
        verbose_name_plural = _("officer roles")
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"], name="officer_role_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"
