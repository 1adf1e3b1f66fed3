"""Guards for back-office (one-stop) views.

``@officer_required`` (function views) and :class:`OfficerRequiredMixin` (class-based views):

- not logged in → the officer login page (``officer:login``) with ``?next=``;
- logged in but not an active officer (a citizen) → 404: citizens must not learn the page exists;
- an officer whose session has not passed the TOTP step → the TOTP step (``officer:otp``), which
  sends an officer without a device on to enrolment;
- a verified officer → the view.

``MOTCUA_OFFICER_OTP_REQUIRED = False`` drops the TOTP condition (see docs/officer-login.md for
the risk).
"""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import reverse

from motcua.accounts.officer_auth import is_officer, otp_required, session_verified


def officer_redirect(request):
    """``None`` when ``request.user`` may use the back office; otherwise the response to send
    (raises :class:`~django.http.Http404` for a logged-in non-officer)."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("officer:login"))
    if not is_officer(user):
        raise Http404
    if otp_required() and not session_verified(user):
        return redirect_to_login(request.get_full_path(), reverse("officer:otp"))
    return None


def officer_required(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = officer_redirect(request)
        return response if response is not None else view(request, *args, **kwargs)

    return wrapped


class OfficerRequiredMixin:
    """Put it first among the bases: ``class QueueView(OfficerRequiredMixin, ListView)``."""

    def dispatch(self, request, *args, **kwargs):
        response = officer_redirect(request)
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)
