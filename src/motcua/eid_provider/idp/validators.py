"""The claims the demo VNeID releases, by scope. This is the contract in ``docs/eid.md``."""

from __future__ import annotations

from oauth2_provider.oauth2_validators import OAuth2Validator

#: Identity assurance the provider vouches for: an identity checked against the national
#: population database with the citizen present (VNeID "level 2").
ACR_LEVEL2 = "level2"


def _identity(request):
    return getattr(request.user, "identity", None)


def _attribute(name: str, transform=None):
    def claim(request):
        identity = _identity(request)
        if identity is None:
            return None
        value = getattr(identity, name)
        if value in (None, ""):
            return None
        return transform(value) if transform else value

    return claim


class EidValidator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "acr": "openid",
        "citizen_id": "citizen",
        "assurance_level": "citizen",
    }

    def get_additional_claims(self):
        # The request-agnostic form (values are callables) lets discovery list the claims.
        return {
            "acr": lambda request: ACR_LEVEL2,
            "name": _attribute("full_name"),
            "birthdate": _attribute("birthdate", lambda d: d.isoformat()),
            "gender": _attribute("gender"),
            "phone_number": _attribute("phone_e164"),
            "phone_number_verified": lambda request: bool(_identity(request) and _identity(request).phone),
            "citizen_id": _attribute("personal_id"),
            "assurance_level": lambda request: 2,
        }
