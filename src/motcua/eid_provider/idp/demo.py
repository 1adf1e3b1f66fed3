"""Demo data of the VNeID stand-in: motcua's OpenID Connect client and three identities.

The personal ID numbers are made up (structurally valid, nobody's). Idempotent: an identity that
exists keeps its password; its other fields are set again; the client's redirect URIs are
merged with the ones already registered unless ``reset_redirect_uris``.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from oauth2_provider.models import get_application_model

from motcua.eid_provider.idp.models import Identity

CLIENT_ID = "motcua-demo"
CLIENT_NAME = "Cổng Dịch vụ công tỉnh Tây Ninh (thử nghiệm)"
DEFAULT_CLIENT_SECRET = "motcua-demo-secret"
DEMO_PASSWORD = "demo12345"
CALLBACK_PATH = "/tai-khoan/vneid/callback/"
DEFAULT_REDIRECT_URIS = [
    f"http://127.0.0.1:8000{CALLBACK_PATH}",
    f"http://localhost:8000{CALLBACK_PATH}",
]


@dataclass(frozen=True)
class DemoIdentity:
    personal_id: str
    full_name: str
    birthdate: datetime.date
    gender: str
    phone: str = ""


DEMO_IDENTITIES = [
    DemoIdentity("080195000002", "Trần Thị Bình", datetime.date(1995, 3, 12), "female", "0912345678"),
    DemoIdentity("072093000003", "Lê Văn Cường", datetime.date(1993, 7, 21), "male"),
    DemoIdentity("072090000001", "Nguyễn Văn An", datetime.date(1990, 5, 5), "male"),
]


def _split(value: str) -> list[str]:
    return [item for item in value.replace(",", " ").split() if item]


def ensure_client(
    *,
    client_id: str = CLIENT_ID,
    client_secret: str | None = None,
    redirect_uris: list[str] | None = None,
    reset_redirect_uris: bool = False,
):
    """Create or update the confidential authorization-code client (RS256 ID tokens, PKCE is
    required by the provider's settings, no consent screen)."""
    Application = get_application_model()
    secret = client_secret or os.environ.get("EID_PROVIDER_CLIENT_SECRET") or DEFAULT_CLIENT_SECRET
    wanted = [
        *DEFAULT_REDIRECT_URIS,
        *_split(os.environ.get("EID_PROVIDER_REDIRECT_URIS", "")),
        *(redirect_uris or []),
    ]
    app = Application.objects.filter(client_id=client_id).first()
    if app is None:
        app = Application(client_id=client_id, client_secret=secret)
    elif not check_password(secret, app.client_secret):
        app.client_secret = secret
    if not reset_redirect_uris:
        wanted = [*_split(app.redirect_uris), *wanted]
    app.redirect_uris = " ".join(dict.fromkeys(wanted))
    app.name = CLIENT_NAME
    app.client_type = Application.CLIENT_CONFIDENTIAL
    app.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
    app.algorithm = Application.RS256_ALGORITHM
    app.skip_authorization = True
    app.hash_client_secret = True
    app.save()
    return app


def ensure_identity(
    identity: DemoIdentity, *, password: str = DEMO_PASSWORD, password_hash: str = ""
) -> Identity:
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.filter(username=identity.personal_id).first()
        if user is None:
            user = User(username=identity.personal_id)
            user.password = password_hash or make_password(password)
            user.save()
        record, _created = Identity.objects.update_or_create(
            user=user,
            defaults={
                "personal_id": identity.personal_id,
                "full_name": identity.full_name,
                "birthdate": identity.birthdate,
                "gender": identity.gender,
                "phone": identity.phone,
            },
        )
    return record


def seed(*, redirect_uris: list[str] | None = None, reset_redirect_uris: bool = False, client_secret=None):
    app = ensure_client(
        redirect_uris=redirect_uris, reset_redirect_uris=reset_redirect_uris, client_secret=client_secret
    )
    hashed = make_password(DEMO_PASSWORD)  # hash once: it takes a fraction of a second
    identities = [ensure_identity(identity, password_hash=hashed) for identity in DEMO_IDENTITIES]
    return app, identities
