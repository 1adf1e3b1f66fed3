"""Login with the national electronic identity (VNeID) by OpenID Connect.

``mozilla-django-oidc`` runs the authorization-code flow (state, nonce, PKCE S256, RS256 ID
token checked against the provider's JWKS; timeouts from ``OIDC_TIMEOUT``). This backend maps
the provider's claims to a citizen account:

- the personal ID number (claim ``MOTCUA_EID_PERSONAL_ID_CLAIM``, default ``citizen_id``) finds
  the account, or a new one is created; a number that is not a valid personal ID is refused;
- ``name`` and ``phone_number`` update the account, and its assurance level becomes 2 — an
  account registered by itself (level 1) with the same number is upgraded, as the e-ID proves
  who the person is;
- each login is audited as ``accounts.eid_login`` (without the personal ID number).

Claims contract and configuration: ``docs/eid.md``.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from motcua.accounts import services
from motcua.accounts.models import User
from motcua.accounts.otp import normalise_phone
from motcua.accounts.personal_id import parse_personal_id
from motcua.core import audit

logger = logging.getLogger(__name__)

DEFAULT_PERSONAL_ID_CLAIM = "citizen_id"


def personal_id_claim() -> str:
    return getattr(settings, "MOTCUA_EID_PERSONAL_ID_CLAIM", DEFAULT_PERSONAL_ID_CLAIM)


def provider_endpoints(base_url: str, public_url: str | None = None) -> dict[str, str]:
    """The OIDC settings for a django-oauth-toolkit provider at ``base_url`` (endpoints under
    ``/o/``). ``public_url`` is where browsers reach it, if different."""
    base = base_url.rstrip("/")
    public = (public_url or base).rstrip("/")
    return {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{public}/o/authorize/",
        "OIDC_OP_TOKEN_ENDPOINT": f"{base}/o/token/",
        "OIDC_OP_USER_ENDPOINT": f"{base}/o/userinfo/",
        "OIDC_OP_JWKS_ENDPOINT": f"{base}/o/.well-known/jwks.json",
        "MOTCUA_EID_ISSUER": f"{base}/o",
    }


def _refuse(request, message: str) -> None:
    if request is not None:
        request.motcua_eid_error = message
    raise SuspiciousOperation(message)


class VNeIDBackend(OIDCAuthenticationBackend):
    """Authentication backend for the VNeID callback (see the module docstring)."""

    def authenticate(self, request, **kwargs):
        # Only the OIDC callback calls authenticate() with a nonce; a password login must never
        # make this backend exchange a ``code`` from the query string.
        if request is None or "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        # mozilla-django-oidc checks the signature and the nonce; check audience and issuer too.
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token audience does not contain our client id")
        issuer = getattr(settings, "MOTCUA_EID_ISSUER", "")
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("ID token issuer is not the configured VNeID issuer")
        return payload

    # --- claims → account ---------------------------------------------------------------------

    def _personal_id(self, claims) -> str:
        info = parse_personal_id(str(claims.get(personal_id_claim()) or ""))
        if not info.valid:
            logger.warning(
                "VNeID login refused: the personal ID claim is not valid (%s)", ", ".join(info.reason_codes)
            )
            _refuse(
                self.request,
                _(
                    "VNeID sent a personal ID number that is not valid, so you cannot be logged in. "
                    "Please call the hotline, or log in with your password."
                ),
            )
        return info.number

    def verify_claims(self, claims):
        self._personal_id(claims)
        return True

    def describe_user_by_claims(self, claims):
        return "a citizen (personal ID from VNeID)"

    def filter_users_by_claims(self, claims):
        return User.objects.filter(personal_id=self._personal_id(claims))

    def _profile(self, claims) -> dict[str, str]:
        profile = {}
        name = " ".join(str(claims.get("name") or "").split())
        if name:
            profile["full_name"] = name[:150]
        phone = normalise_phone(str(claims.get("phone_number") or ""))
        if phone:
            profile["phone"] = phone
        return profile

    def create_user(self, claims):
        number = self._personal_id(claims)
        profile = self._profile(claims)
        try:
            with transaction.atomic():
                user = services.create_citizen(
                    personal_id=number,
                    password="",
                    password_hash=make_password(None),  # no password: logs in with VNeID
                    full_name=profile.get("full_name") or number,
                    phone=profile.get("phone", ""),
                    assurance_level=User.AssuranceLevel.EID_VERIFIED,
                )
                self._audit(user, created=True, upgraded=False)
        except ValidationError:
            # E.g. an officer account whose user name is this number: do not merge silently.
            _refuse(
                self.request,
                _(
                    "An account with this personal ID number cannot be used with VNeID. Please call the hotline."
                ),
            )
        return user

    def update_user(self, user, claims):
        if not user.is_active:
            _refuse(self.request, _("This account is locked. Please call the hotline."))
        profile = self._profile(claims)
        with transaction.atomic():
            changed = [field for field, value in profile.items() if getattr(user, field) != value]
            for field in changed:
                setattr(user, field, profile[field])
            if changed:
                user.save(update_fields=changed)
            upgraded = user.assurance_level < User.AssuranceLevel.EID_VERIFIED
            if upgraded:
                services.set_assurance_level(user=user, level=User.AssuranceLevel.EID_VERIFIED, actor=user)
            self._audit(user, created=False, upgraded=upgraded, updated=changed)
        return user

    def _audit(self, user, *, created: bool, upgraded: bool, updated: list[str] | None = None) -> None:
        # Never the personal ID number, nor the name or phone: which fields changed is enough.
        audit.record(
            action="accounts.eid_login",
            obj=user,
            object_repr=f"user #{user.pk}",
            changes={
                "assurance_level": int(user.assurance_level),
                "created": created,
                "upgraded": upgraded,
                "updated_fields": sorted(updated or []),
            },
            actor=user,
        )
