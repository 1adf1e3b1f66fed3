"""Public result verification for apps and other systems: the same facts as the web page."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from motcua.core import ratelimit
from motcua.core.problem import problem_response
from motcua.results import selectors
from motcua.results.views import VERIFY_LIMIT, VERIFY_WINDOW, not_found_message

router = Router(tags=["results"])


class ResultVerificationOut(Schema):
    valid: bool
    status: str  # "valid" | "revoked"
    number: str
    title: str
    issuer: str
    issuer_code: str
    signed_at: dt.datetime
    certificate_subject: str
    certificate_serial: str
    certificate_fingerprint: str
    sha256: str
    revoked_at: dt.datetime | None = None


@router.get(
    "/results/verify/{token}",
    response={200: ResultVerificationOut},
    auth=None,
    summary="Verify a signed result by the code in its QR (no personal data)",
)
def verify_result(request, token: str):
    ip = ratelimit.client_ip(request)
    if ratelimit.blocked("result-verify", ip, limit=VERIFY_LIMIT):
        from django.utils.translation import gettext as _

        return problem_response(status=429, title=_("Too many attempts. Try again in 15 minutes."))
    result = selectors.result_by_token(token)
    if result is None:
        ratelimit.hit("result-verify", ip, limit=VERIFY_LIMIT, window=VERIFY_WINDOW)
        return problem_response(status=404, title=not_found_message(), type_="/problems/not-found")
    return 200, {
        "valid": not result.is_revoked,
        "status": "revoked" if result.is_revoked else "valid",
        "number": result.number,
        "title": result.title,
        "issuer": result.signer_agency.name,
        "issuer_code": result.signer_agency.code,
        "signed_at": result.signed_at,
        "certificate_subject": result.certificate_subject,
        "certificate_serial": result.certificate_serial,
        "certificate_fingerprint": result.certificate_fingerprint,
        "sha256": result.sha256,
        "revoked_at": result.revoked_at,
    }
