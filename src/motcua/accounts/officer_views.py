"""Back-office login at ``/mot-cua/dang-nhap/``: password, then a TOTP code (django-otp).

1. ``officer:login`` — user name and password, checked through ``authenticate()`` so that
   django-axes counts the failures and locks out (5 per user name and address, 15 minutes). A
   right password does not log in yet: the officer is remembered in the session as *pending*
   for :data:`PENDING_SECONDS`.
2. ``officer:otp`` — the 6-digit code of the officer's authenticator app; django-otp throttles
   wrong codes (1, 2, 4, … seconds). A right code logs in and marks the session verified.
   An officer already logged in through the citizen page (unverified) may also take this step.
3. ``officer:enrol`` — an officer without a confirmed device sees a QR code (inline SVG, made
   here with segno) and the secret in text, and confirms with a first code.

Anyone who is not an active officer gets the same message as for a wrong password.
"""

from __future__ import annotations

import base64
import time
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.models import User
from motcua.accounts.officer_auth import is_officer, is_verified_officer, otp_required

#: Where a logged-in officer lands when there is no (safe) ``next``.
OFFICER_HOME = "/mot-cua/"
#: How long a right password waits for its TOTP code.
PENDING_SECONDS = 5 * 60
PENDING_SESSION_KEY = "motcua_officer_pending"
DEFAULT_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


# --- Forms -------------------------------------------------------------------------------------


class OfficerLoginForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("User name"),
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "username",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
        error_messages={"required": gettext_lazy("Enter your user name.")},
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": gettext_lazy("Enter your password.")},
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        password = self.cleaned_data.get("password")
        if username and password:
            # Through authenticate(): django-axes refuses a locked-out user name and counts failures.
            user = authenticate(self.request, username=username, password=password)
            if user is None or not is_officer(user):
                # The same words for a citizen, an inactive account and a wrong password.
                raise ValidationError(
                    _("The user name or the password is not right. Check them and try again."),
                    code="invalid_login",
                )
            self.user = user
        return self.cleaned_data


class TotpCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from the authenticator app"),
        max_length=20,
        help_text=gettext_lazy(
            "The 6 digits your authenticator app shows now; they change every 30 seconds."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
        error_messages={"required": gettext_lazy("Enter the 6-digit code from your authenticator app.")},
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise ValidationError(_("Enter the 6 digits of the code, without letters."), code="format")
        return code


# --- The pending officer (right password, no code yet) -------------------------------------------


def _set_pending(request, user: User, next_url: str) -> None:
    request.session[PENDING_SESSION_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", DEFAULT_BACKEND),
        "at": time.time(),
        "next": next_url,
    }


def _pending(request) -> tuple[User | None, str, str]:
    """(officer, backend, next): the officer whose password was right in this session, or the
    logged-in officer whose session is not verified yet."""
    data = request.session.get(PENDING_SESSION_KEY)
    if isinstance(data, dict) and time.time() - float(data.get("at", 0)) <= PENDING_SECONDS:
        user = User.objects.filter(pk=data.get("user"), is_active=True, is_officer=True).first()
        if user is not None:
            return user, data.get("backend") or DEFAULT_BACKEND, data.get("next") or ""
    if data is not None:
        request.session.pop(PENDING_SESSION_KEY, None)
    if is_officer(request.user):
        backend = request.session.get(BACKEND_SESSION_KEY) or DEFAULT_BACKEND
        return request.user, backend, ""
    return None, "", ""


def _next_from(request, pending_next: str) -> str:
    return _safe_next(request, request.POST.get("next") or request.GET.get("next")) or pending_next


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _complete_login(request, user: User, backend: str, device, next_url: str):
    request.session.pop(PENDING_SESSION_KEY, None)
    if not (request.user.is_authenticated and request.user.pk == user.pk):
        auth_login(request, user, backend=backend)
    if device is not None:
        otp_login(request, device)
    return HttpResponseRedirect(_safe_next(request, next_url) or OFFICER_HOME)


def _expired(request):
    messages.info(request, _("Log in with your user name and password first."))
    return redirect("officer:login")


def _confirmed_devices(user: User):
    return list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"))


def _throttled_seconds(devices) -> int:
    """Seconds to wait before django-otp accepts another code (0: go ahead)."""
    from django.utils import timezone

    waits = []
    for device in devices:
        allowed, info = device.verify_is_allowed()
        if allowed:
            return 0
        until = (info or {}).get("locked_until")
        waits.append(max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1)
    return min(waits) if waits else 0


# --- Views -------------------------------------------------------------------------------------


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request):
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if is_verified_officer(request.user):
        return HttpResponseRedirect(next_url or OFFICER_HOME)
    form = OfficerLoginForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.user
        if not otp_required():
            return _complete_login(request, user, getattr(user, "backend", DEFAULT_BACKEND), None, next_url)
        _set_pending(request, user, next_url)
        return redirect("officer:otp" if _confirmed_devices(user) else "officer:enrol")
    return render(
        request,
        "accounts/officer_login.html",
        {"form": form, "next": next_url},
        status=400 if form.is_bound and form.errors else 200,
    )


@csrf_protect
@never_cache
def otp_view(request):
    user, backend, pending_next = _pending(request)
    if user is None:
        return _expired(request)
    next_url = _next_from(request, pending_next)
    if is_verified_officer(request.user) and request.user.pk == user.pk:
        return HttpResponseRedirect(next_url or OFFICER_HOME)
    devices = _confirmed_devices(user)
    if not devices:
        return HttpResponseRedirect(_with_next(reverse("officer:enrol"), next_url))
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = _throttled_seconds(devices)
        if wait:
            form.add_error(
                "code",
                _("Too many wrong codes. Wait %(seconds)d seconds, then enter the new code.")
                % {"seconds": wait},
            )
        else:
            for device in devices:
                if device.verify_token(form.cleaned_data["code"]):
                    return _complete_login(request, user, backend, device, next_url)
            form.add_error(
                "code",
                _("The code is not right. Enter the 6 digits your authenticator app shows now."),
            )
    return render(
        request,
        "accounts/officer_otp.html",
        {"form": form, "next": next_url, "officer": user},
        status=400 if form.is_bound and form.errors else 200,
    )


def _secret_text(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(text: str) -> str:
    """An SVG QR code as a ``data:`` URI (nothing leaves the server)."""
    return segno.make(text, error="m").svg_data_uri(scale=5, border=2)


@csrf_protect
@never_cache
def enrol_view(request):
    user, backend, pending_next = _pending(request)
    if user is None:
        return _expired(request)
    next_url = _next_from(request, pending_next)
    if _confirmed_devices(user):
        # Replacing a device is for an administrator (delete it in the admin), not self-service.
        return HttpResponseRedirect(_with_next(reverse("officer:otp"), next_url))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = _throttled_seconds([device])
        if wait:
            form.add_error(
                "code",
                _("Too many wrong codes. Wait %(seconds)d seconds, then enter the new code.")
                % {"seconds": wait},
            )
        elif device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            messages.success(request, _("Your authenticator app is set up. Use it every time you log in."))
            return _complete_login(request, user, backend, device, next_url)
        else:
            form.add_error(
                "code",
                _(
                    "The code is not right. Check that you added the account shown here, then enter the 6 digits it shows now."
                ),
            )
    return render(
        request,
        "accounts/officer_enrol.html",
        {
            "form": form,
            "next": next_url,
            "officer": user,
            "qr_data_uri": qr_data_uri(device.config_url),
            "secret": _secret_text(device),
            "issuer": getattr(settings, "OTP_TOTP_ISSUER", ""),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule); back to the officer login page."""

    next_page = "officer:login"
