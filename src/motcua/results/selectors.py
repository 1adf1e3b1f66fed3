"""Reads for results: the citizen's data store, downloads, public verification."""

from __future__ import annotations

import re

from django.db.models import Q

from motcua.results.models import Result

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def results_of(applicant, *, limit: int = 200) -> list[Result]:
    """Valid (issued, not revoked) results of the applicant's dossiers, newest first — part of
    the citizen's data store, reusable in later dossiers."""
    return list(
        Result.objects.filter(dossier__applicant=applicant, revoked_at__isnull=True)
        .select_related("dossier", "signer_agency")
        .order_by("-signed_at", "-id")[:limit]
    )


def result_for_owner(user, pk: int) -> Result | None:
    """A result the user may download: theirs as applicant, or a dossier they helped file."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Result.objects.filter(Q(dossier__applicant=user) | Q(dossier__helper=user), pk=pk)
        .select_related("dossier")
        .first()
    )


def result_by_token(token: str) -> Result | None:
    """The result a verification code names; ``None`` for an unknown or malformed code."""
    if not token or not TOKEN_RE.match(token):
        return None
    return Result.objects.select_related("signer_agency").filter(verification_token=token).first()
