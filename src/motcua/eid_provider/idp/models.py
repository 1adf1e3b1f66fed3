"""The identities the demo provider vouches for (what the national population database would
hold about a person), one per login account."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Identity(models.Model):
    class Gender(models.TextChoices):
        MALE = "male", "Nam"
        FEMALE = "female", "Nữ"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity")
    # Not validated on purpose: the provider must be able to send a broken number so that the
    # relying party's refusal can be tested.
    personal_id = models.CharField("số định danh cá nhân", max_length=20, unique=True)
    full_name = models.CharField("họ và tên", max_length=150)
    birthdate = models.DateField("ngày sinh", null=True, blank=True)
    gender = models.CharField("giới tính", max_length=10, choices=Gender.choices, blank=True)
    phone = models.CharField("số điện thoại", max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "danh tính"
        verbose_name_plural = "danh tính"

    def __str__(self) -> str:
        return self.full_name

    @property
    def phone_e164(self) -> str:
        """The phone number as OpenID Connect wants it (E.164): ``0912345678`` → ``+84912345678``."""
        digits = "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")
        if digits.startswith("0"):
            return "+84" + digits[1:]
        return digits
