"""Accounts: citizens, officers and their roles (vai trò); sign-ups with one-time codes, API
tokens and failed logins (for the lockout)."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
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
        COMMUNITY_HELPER = "community_helper", _("Community digital-technology team member")
        MEETING_ORGANISER = "meeting_organiser", _("Meeting organiser")
        REFORM_OFFICER = "reform_officer", _("Procedure control officer")

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


class SignupRequest(models.Model):
    """A citizen's sign-up waiting for the one-time code sent to their phone or e-mail. The
    account is created only when the code is entered (:func:`motcua.accounts.otp.verify_signup`),
    so an abandoned or mistyped sign-up never blocks the personal ID number."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    personal_id = models.CharField(_("personal ID number"), max_length=12)
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    password_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    user = models.ForeignKey(
        User, verbose_name=_("account"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")

    def __str__(self) -> str:
        return f"sign-up {self.pk}"

    @property
    def destination(self) -> str:
        return self.email if self.channel == self.Channel.EMAIL else self.phone


class OneTimeCode(models.Model):
    """A 6-digit code sent by SMS or e-mail. Only a keyed hash is stored; it expires, allows a
    few attempts and is used once."""

    class Purpose(models.TextChoices):
        SIGNUP = "signup", _("sign-up")

    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    signup = models.ForeignKey(
        SignupRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="codes"
    )
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="one_time_codes"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=SignupRequest.Channel.choices)
    destination = models.CharField(_("sent to"), max_length=254)
    code_hash = models.CharField(max_length=100)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [models.Index(fields=["signup", "-created_at"], name="otp_signup_latest")]

    def __str__(self) -> str:
        return f"code #{self.pk} ({self.get_purpose_display()})"


class ApiToken(models.Model):
    """A bearer token of the API (the provincial mobile app). Only its SHA-256 is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("starts with"), max_length=12)
    name = models.CharField(_("client"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "-created_at"], name="api_token_user")]

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class LoginFailure(models.Model):
    """One failed password login for a user name from an address — what the lockout counts.
    ``key`` is a keyed hash of both, so neither the personal ID nor the address is stored."""

    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        indexes = [models.Index(fields=["key", "created_at"], name="login_failure_key")]

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.created_at:%Y-%m-%d %H:%M}"
