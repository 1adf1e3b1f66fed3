"""One-time codes (6 digits by SMS or e-mail) and the citizen's sign-up that they confirm.

Sending goes through :func:`send_code`: e-mail with Django's ``send_mail``; SMS is written to
the ``motcua.sms`` logger (the console) until the notifications app offers an SMS channel, at
which point :func:`send_code` will route through it and nothing else changes.

Rules (settings, with defaults): a code lives ``MOTCUA_OTP_TTL_SECONDS`` (600 s), allows
``MOTCUA_OTP_MAX_ATTEMPTS`` (5) wrong tries, and a new one can be asked for after
``MOTCUA_OTP_RESEND_SECONDS`` (60 s), at most ``MOTCUA_OTP_MAX_SENDS`` (5) per sign-up. Only a
keyed hash of the code is stored (HMAC with ``SECRET_KEY`` and a per-code salt).
"""

from __future__ import annotations

import datetime
import logging
import math
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from motcua.accounts import services
from motcua.accounts.models import OneTimeCode, SignupRequest, User
from motcua.core import audit

sms_logger = logging.getLogger("motcua.sms")

CODE_LENGTH = 6
Channel = SignupRequest.Channel

#: Sign-ups not completed within a day are deleted when new ones are made.
SIGNUP_RETENTION = datetime.timedelta(days=1)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def ttl_seconds() -> int:
    return _setting("MOTCUA_OTP_TTL_SECONDS", 600)


def max_attempts() -> int:
    return _setting("MOTCUA_OTP_MAX_ATTEMPTS", 5)


def resend_seconds() -> int:
    return _setting("MOTCUA_OTP_RESEND_SECONDS", 60)


def max_sends() -> int:
    return _setting("MOTCUA_OTP_MAX_SENDS", 5)


# --- Sending ---------------------------------------------------------------------------------


def send_code(*, channel: str, destination: str, code: str) -> None:
    """Queue ``code`` for ``destination`` by ``channel`` (``"email"`` or ``"sms"``).

    Nothing is sent from the web request: the notification and its delivery task are written in
    the caller's transaction (the outbox) and ``motcua worker`` delivers them, with retries.
    """
    from motcua.notifications.services import notify

    if channel not in (Channel.EMAIL, Channel.SMS):
        raise ValueError(f"unknown channel {channel!r}")
    notify(
        channels=(channel,),
        email=destination if channel == Channel.EMAIL else "",
        phone=destination if channel == Channel.SMS else "",
        template="one_time_code",
        context={"code": code, "minutes": ttl_seconds() // 60},
        related_type="accounts.signup",
    )


# --- Contacts --------------------------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"0[35789]\d{8}")


def normalise_phone(value: str) -> str | None:
    """A Vietnamese mobile number as 10 digits (``0912345678``), from ``091 234 5678``,
    ``+84912345678`` or ``84912345678``; ``None`` when it is not one."""
    number = _PHONE_SEPARATORS.sub("", value or "")
    if number.startswith("+84"):
        number = "0" + number[3:]
    elif number.startswith("84") and len(number) == 11:
        number = "0" + number[2:]
    return number if _MOBILE.fullmatch(number) else None


def parse_contact(value: str) -> tuple[str, str]:
    """``(channel, destination)`` for what a citizen typed as "phone or e-mail".

    Raises :class:`ValidationError` (code ``contact``) when it is neither."""
    value = (value or "").strip()
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(
                _(
                    "Enter an e-mail address such as ten@example.com, or a mobile phone number such as 0912345678."
                ),
                code="contact",
            ) from None
        local, _at, domain = value.rpartition("@")
        return Channel.EMAIL, f"{local}@{domain.lower()}"
    phone = normalise_phone(value)
    if phone is None:
        raise ValidationError(
            _("Enter a mobile phone number of 10 digits such as 0912345678, or an e-mail address."),
            code="contact",
        )
    return Channel.SMS, phone


def mask_destination(channel: str, destination: str) -> str:
    """``0912***678`` or ``b***@example.com``: enough to recognise, not to copy."""
    if channel == Channel.EMAIL:
        local, _at, domain = destination.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{destination[:4]}***{destination[-3:]}"


# --- Codes -----------------------------------------------------------------------------------


def _new_code() -> str:
    return f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"


def _hash(code: str, salt: str) -> str:
    return salted_hmac("motcua.accounts.otp", f"{salt}:{code}", algorithm="sha256").hexdigest()


def hash_code(code: str) -> str:
    salt = secrets.token_hex(8)
    return f"{salt}${_hash(code, salt)}"


def code_matches(code: str, stored: str) -> bool:
    salt, _sep, digest = stored.partition("$")
    return constant_time_compare(_hash(code, salt), digest)


def _issue(*, signup: SignupRequest) -> str:
    code = _new_code()
    now = timezone.now()
    # A new code replaces the earlier ones: they can no longer be used.
    signup.codes.filter(used_at__isnull=True).update(expires_at=now)
    OneTimeCode.objects.create(
        purpose=OneTimeCode.Purpose.SIGNUP,
        signup=signup,
        channel=signup.channel,
        destination=signup.destination,
        code_hash=hash_code(code),
        created_at=now,
        expires_at=now + datetime.timedelta(seconds=ttl_seconds()),
    )
    return code


# --- Sign-up ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Throttled(Exception):
    """A new code was asked for too soon (``seconds`` to wait) or too often (``seconds`` 0)."""

    seconds: int


def start_signup(
    *, personal_id: str, full_name: str, contact: str, password: str, check_password_strength: bool = True
) -> SignupRequest:
    """Record a sign-up and send its code. The form has checked the fields; this checks them
    again (personal ID, not registered, contact, password) and raises :class:`ValidationError`
    keyed by field."""
    channel, destination = parse_contact(contact)
    probe = User(
        username=personal_id,
        personal_id=personal_id,
        full_name=full_name,
        email=destination if channel == Channel.EMAIL else "",
        phone=destination if channel == Channel.SMS else "",
    )
    if not password:
        raise ValidationError({"password": ValidationError(_("Enter a password."), code="password_required")})
    if check_password_strength:
        try:
            password_validation.validate_password(password, probe)
        except ValidationError as exc:
            raise ValidationError({"password": exc.error_list}) from None
    if (
        User.objects.filter(personal_id=personal_id).exists()
        or User.objects.filter(username=personal_id).exists()
    ):
        raise ValidationError(
            {
                "personal_id": ValidationError(
                    _(
                        "An account with this personal ID number already exists. Log in, or reset the password if you have forgotten it."
                    ),
                    code="duplicate",
                )
            }
        )
    with transaction.atomic():
        SignupRequest.objects.filter(
            completed_at__isnull=True, created_at__lt=timezone.now() - SIGNUP_RETENTION
        ).delete()
        signup = SignupRequest.objects.create(
            personal_id=personal_id,
            full_name=full_name.strip(),
            email=probe.email,
            phone=probe.phone,
            channel=channel,
            password_hash=make_password(password),
        )
        code = _issue(signup=signup)
    send_code(channel=channel, destination=destination, code=code)
    return signup


def seconds_until_resend(signup: SignupRequest) -> int:
    latest = signup.codes.order_by("-created_at").values_list("created_at", flat=True).first()
    if latest is None:
        return 0
    wait = (latest + datetime.timedelta(seconds=resend_seconds()) - timezone.now()).total_seconds()
    return max(0, math.ceil(wait))


def resend_signup_code(*, signup: SignupRequest) -> None:
    """Send a fresh code (the old one stops working). Raises :class:`Throttled`."""
    with transaction.atomic():
        signup = SignupRequest.objects.select_for_update().get(pk=signup.pk)
        wait = seconds_until_resend(signup)
        if wait:
            raise Throttled(wait)
        if signup.codes.count() >= max_sends():
            raise Throttled(0)
        code = _issue(signup=signup)
    send_code(channel=signup.channel, destination=signup.destination, code=code)


def verify_signup(*, signup: SignupRequest, code: str) -> User:
    """Check ``code`` against the sign-up's latest code; on success create the citizen's account
    (assurance level 1, active) and return it.

    Raises :class:`ValidationError` with code ``expired``, ``too_many_attempts``, ``wrong_code``
    (message says how many tries are left) or ``duplicate``.
    """
    code = "".join((code or "").split())
    with transaction.atomic():
        signup = SignupRequest.objects.select_for_update().get(pk=signup.pk)
        otp = signup.codes.order_by("-created_at").first()
        now = timezone.now()
        if signup.completed_at is not None or otp is None or otp.used_at is not None:
            raise ValidationError(_("This sign-up is already finished. Log in."), code="finished")
        if otp.attempts >= max_attempts():
            raise ValidationError(
                _("The code was entered wrongly too many times. Ask for a new code."),
                code="too_many_attempts",
            )
        if otp.expires_at <= now:
            raise ValidationError(_("The code has expired. Ask for a new code."), code="expired")
        if not code_matches(code, otp.code_hash):
            otp.attempts += 1
            otp.save(update_fields=["attempts"])
            left = max_attempts() - otp.attempts
            if left <= 0:
                error = ValidationError(
                    _("The code was entered wrongly too many times. Ask for a new code."),
                    code="too_many_attempts",
                )
            else:
                error = ValidationError(
                    _("The code is not right. Check the message and try again (%(left)d tries left).")
                    % {"left": left},
                    code="wrong_code",
                )
        else:
            error = None
        if error is None:  # otherwise leave the block first: the wrong attempt must be committed
            user = services.create_citizen(
                personal_id=signup.personal_id,
                password="",
                password_hash=signup.password_hash,
                full_name=signup.full_name,
                phone=signup.phone,
                email=signup.email,
            )
            otp.used_at = now
            otp.save(update_fields=["used_at"])
            signup.completed_at = now
            signup.user = user
            signup.save(update_fields=["completed_at", "user"])
            audit.record(
                action="accounts.signup_verified",
                obj=user,
                object_repr=f"user #{user.pk}",
                changes={"channel": signup.channel},
                actor=user,
            )
    if error is not None:
        raise error
    return user
