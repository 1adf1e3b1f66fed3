"""Citizen login pages: password login with lockout, sign-up confirmed by a one-time code,
VNeID login (OpenID Connect), and the guard for services that need an e-ID-verified account.

Other apps protect a view with :func:`require_assurance` (function views) or
:class:`AssuranceRequiredMixin` (class-based views).
"""

from __future__ import annotations

import functools
import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from motcua.accounts import otp
from motcua.accounts.forms import CodeForm, LoginForm, SignupForm
from motcua.accounts.models import SignupRequest
from motcua.accounts.selectors import meets_assurance

logger = logging.getLogger(__name__)

SIGNUP_SESSION_KEY = "motcua_signup"
SIGNUP_NEXT_SESSION_KEY = "motcua_signup_next"


def _safe_next(request, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def _login_url(next_url: str = "") -> str:
    url = reverse("accounts:login")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _eid_url(next_url: str = "") -> str:
    url = reverse("accounts:eid_login")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def eid_unavailable_message() -> str:
    return _("Could not connect to VNeID. Please try again later or log in with your password.")


# --- Password login --------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.locked is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.locked.retry_after)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Django's LoginView puts the host name in ``site_name``: keep the portal's name.
        context["site_name"] = settings.MOTCUA_SITE_NAME
        next_url = _safe_next(self.request, self.get_redirect_url())
        context["eid_url"] = _eid_url(next_url)
        context["signup_url"] = reverse("accounts:signup") + (
            f"?{urlencode({'next': next_url})}" if next_url else ""
        )
        return context


class LogoutView(auth_views.LogoutView):
    pass


# --- Sign-up ---------------------------------------------------------------------------------


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def signup(request):
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pending = otp.start_signup(
                personal_id=data["personal_id"],
                full_name=data["full_name"],
                contact=data["contact"],
                password=data["password1"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            request.session[SIGNUP_SESSION_KEY] = str(pending.pk)
            request.session[SIGNUP_NEXT_SESSION_KEY] = next_url
            return redirect("accounts:verify")
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "next": next_url, "eid_url": _eid_url(next_url)},
        status=400 if form.is_bound and form.errors else 200,
    )


def _pending_signup(request) -> SignupRequest | None:
    pk = request.session.get(SIGNUP_SESSION_KEY)
    if not pk:
        return None
    return SignupRequest.objects.filter(pk=pk, completed_at__isnull=True).first()


def verify(request):
    pending = _pending_signup(request)
    if pending is None:
        messages.info(request, _("Start by filling in the sign-up form."))
        return redirect("accounts:signup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = otp.verify_signup(signup=pending, code=form.cleaned_data["code"])
        except ValidationError as error:
            # A dict (e.g. the number was registered meanwhile) concerns the sign-up, not the code.
            if hasattr(error, "error_dict"):
                form.add_error(None, error.messages)
            else:
                form.add_error("code", error)
        else:
            next_url = request.session.get(SIGNUP_NEXT_SESSION_KEY) or ""
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    return render(
        request,
        "accounts/verify.html",
        {
            "form": form,
            "signup": pending,
            "masked_destination": otp.mask_destination(pending.channel, pending.destination),
            "resend_wait": otp.seconds_until_resend(pending),
            "ttl_minutes": otp.ttl_seconds() // 60,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
def resend_code(request):
    pending = _pending_signup(request)
    if pending is None:
        return redirect("accounts:signup")
    try:
        otp.resend_signup_code(signup=pending)
    except otp.Throttled as throttled:
        if throttled.seconds:
            messages.error(
                request,
                _("Please wait %(seconds)d seconds before asking for a new code.")
                % {"seconds": throttled.seconds},
            )
        else:
            messages.error(request, _("Too many codes were sent. Start the sign-up again tomorrow."))
    else:
        messages.success(request, _("A new code was sent. The earlier code no longer works."))
    return redirect("accounts:verify")


# --- VNeID (OpenID Connect) ------------------------------------------------------------------


def _provider_reachable() -> bool:
    """A quick look at the provider's key set (cached for a minute when it answers)."""
    url = settings.OIDC_OP_JWKS_ENDPOINT
    key = f"motcua.eid.reachable:{url}"
    if cache.get(key):
        return True
    try:
        response = requests.get(url, timeout=getattr(settings, "OIDC_TIMEOUT", 5))
        ok = response.status_code == 200
    except requests.RequestException:
        ok = False
    if ok:
        cache.set(key, True, 60)
    return ok


class EidStartView(OIDCAuthenticationRequestView):
    """``/tai-khoan/vneid/?next=…``: off to VNeID — or back to the login page with a clear
    message when VNeID does not answer."""

    def get(self, request):
        if not _provider_reachable():
            logger.warning("VNeID provider unreachable at %s", settings.OIDC_OP_JWKS_ENDPOINT)
            messages.error(request, eid_unavailable_message())
            return HttpResponseRedirect(_login_url(_safe_next(request, request.GET.get("next"))))
        return super().get(request)


class EidCallbackView(OIDCAuthenticationCallbackView):
    """``/tai-khoan/vneid/callback/``: VNeID sends the citizen back here with a code."""

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation as exc:  # unknown state, nonce mismatch, bad ID token
            logger.warning("VNeID login refused: %s", exc)
            request.motcua_eid_error = _(
                "The VNeID login could not be completed: it took too long or was started in another "
                "window. Please try again."
            )
        except requests.RequestException as exc:  # provider down, timed out or answering errors
            logger.warning("VNeID login failed talking to the provider: %s", exc)
            request.motcua_eid_error = eid_unavailable_message()
        return self.login_failure()

    def login_failure(self):
        request = self.request
        message = getattr(request, "motcua_eid_error", None)
        if message is None:
            if request.GET.get("error") == "access_denied":
                message = _("You cancelled the VNeID login. You can try again or log in with your password.")
            elif getattr(self, "user", None) is not None and not self.user.is_active:
                message = _("This account is locked. Please call the hotline.")
            else:
                message = _("The VNeID login did not succeed. Please try again or log in with your password.")
        messages.error(request, message)
        next_url = _safe_next(request, request.session.get("oidc_login_next"))
        return HttpResponseRedirect(_login_url(next_url))


# --- Assurance level -------------------------------------------------------------------------


def assurance_required(request):
    """Explains that the service needs an account verified with VNeID (level 2)."""
    next_url = _safe_next(request, request.GET.get("next"))
    return render(
        request,
        "accounts/assurance_required.html",
        {"next": next_url, "eid_url": _eid_url(next_url)},
        status=403 if request.user.is_authenticated else 200,
    )


def assurance_redirect(request, level: int | None):
    """``None`` when ``request.user`` meets ``level``; otherwise where to send them: the login
    page (anonymous) or the page that asks for a VNeID login (a level-1 account)."""
    if meets_assurance(request.user, level):
        return None
    next_url = request.get_full_path()
    if not request.user.is_authenticated:
        return redirect_to_login(next_url)
    return HttpResponseRedirect(f"{reverse('accounts:assurance_required')}?{urlencode({'next': next_url})}")


def require_assurance(level):
    """Decorate a view that needs identity assurance ``level`` (1: any account, 2: verified with
    VNeID). ``level`` may be a callable ``(request, *args, **kwargs) -> int`` for a level that
    depends on the procedure, e.g. ``ProcedureVersion.min_assurance_level``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            needed = level(request, *args, **kwargs) if callable(level) else level
            response = assurance_redirect(request, needed)
            return response if response is not None else view(request, *args, **kwargs)

        return wrapped

    return decorator


class AssuranceRequiredMixin:
    """For class-based views: set ``min_assurance_level`` or override
    :meth:`get_min_assurance_level`."""

    min_assurance_level: int = 2

    def get_min_assurance_level(self) -> int:
        return self.min_assurance_level

    def dispatch(self, request, *args, **kwargs):
        response = assurance_redirect(request, self.get_min_assurance_level())
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)
