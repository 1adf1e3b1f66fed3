"""TOTP devices for the demo officers, with one fixed, published secret.

**Demo only.** Every demo officer (and the demo ``admin``) gets a confirmed TOTP device named
``demo`` whose secret is :data:`DEMO_TOTP_SECRET` (base32). Add it to any authenticator app
(FreeOTP, Aegis, Google Authenticator: "enter a setup key", time-based, 6 digits, 30 s), or
compute the current code::

    python -c "from motcua.accounts.demo_otp import demo_code; print(demo_code())"

Browser tests do the same with :func:`demo_code`. Idempotent: the ``demo`` device is created or
reset to the demo secret; any other device an officer enrolled is left alone.
"""

from __future__ import annotations

import base64
import time

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.models import User

#: 32 base32 characters = a 160-bit key, as authenticator apps expect. Published: demo only.
DEMO_TOTP_SECRET = "MOTCUATAYNINHDEMOTOTPKEYFORTEST2"
DEMO_DEVICE_NAME = "demo"

#: The demo officers of :func:`motcua.accounts.demo.build_demo_users` (admin is an officer too).
DEMO_OFFICERS = [
    "admin",
    "canbo.tandong",
    "chuyenvien.tandong",
    "lanhdao.tandong",
    "hotro.tandong",
    "quantri.tandong",
    "canbo.tinh",
    "canbo.sotuphap",
    "kiemtra.tinh",
]


def demo_key_hex(secret: str = DEMO_TOTP_SECRET) -> str:
    return base64.b32decode(secret.replace(" ", "").upper()).hex()


def demo_code(secret: str = DEMO_TOTP_SECRET, *, at: float | None = None, drift: int = 0) -> str:
    """The 6-digit code for ``secret`` at time ``at`` (default now); ``drift=1`` gives the code
    of the next 30-second step (django-otp accepts one step either side)."""
    generator = TOTP(base64.b32decode(secret.replace(" ", "").upper()), step=30, t0=0, digits=6, drift=drift)
    generator.time = at if at is not None else time.time()
    return f"{generator.token():06d}"


def ensure_demo_totp(usernames=()) -> list[tuple[str, str]]:
    """Give each existing demo officer (the base ones and ``usernames``, e.g. those other apps'
    demos made) the demo TOTP device; ``[(username, secret), …]``. Citizens are skipped."""
    key = demo_key_hex()
    done: list[tuple[str, str]] = []
    wanted = set(DEMO_OFFICERS) | set(usernames)
    with transaction.atomic():
        for user in User.objects.filter(username__in=wanted, is_officer=True).order_by("pk"):
            TOTPDevice.objects.update_or_create(
                user=user,
                name=DEMO_DEVICE_NAME,
                defaults={"key": key, "confirmed": True, "last_t": -1, "drift": 0},
            )
            done.append((user.username, DEMO_TOTP_SECRET))
    return done
