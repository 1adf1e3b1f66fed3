"""Pages of the VNeID stand-in: a login page in Vietnamese, a home page, cancel and logout.

The OpenID Connect endpoints themselves are django-oauth-toolkit's views (see ``urls.py``).
The texts are Vietnamese only, like VNeID's, and stay out of motcua's translation catalogue.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from oauth2_provider.models import get_application_model

from motcua.eid_provider.idp import demo


class EidLoginForm(AuthenticationForm):
    username = forms.CharField(
        label="Số định danh cá nhân",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "numeric", "autofocus": True}),
    )
    password = forms.CharField(
        label="Mật khẩu",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "Số định danh cá nhân hoặc mật khẩu không đúng. Vui lòng kiểm tra và nhập lại.",
        "inactive": "Tài khoản định danh điện tử này đang bị khóa.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Vui lòng nhập số định danh cá nhân."
        self.fields["password"].error_messages["required"] = "Vui lòng nhập mật khẩu."

    def clean_username(self):
        return "".join(self.cleaned_data["username"].split())


def _authorize_params(next_url: str | None) -> dict[str, str]:
    """The query of an ``/o/authorize/`` URL the visitor is on their way to, if any."""
    if not next_url or not url_has_allowed_host_and_scheme(next_url, allowed_hosts=None):
        return {}
    parts = urlsplit(next_url)
    if parts.path != reverse("oauth2_provider:authorize"):
        return {}
    return {key: values[0] for key, values in parse_qs(parts.query).items() if values}


def _client(params: dict[str, str]):
    client_id = params.get("client_id")
    if not client_id:
        return None
    return get_application_model().objects.filter(client_id=client_id).first()


class EidLoginView(auth_views.LoginView):
    template_name = "idp/login.html"
    form_class = EidLoginForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        next_url = self.get_redirect_url()
        client = _client(_authorize_params(next_url))
        context["client_name"] = client.name if client else ""
        context["cancel_url"] = (
            f"{reverse('idp:cancel')}?{urlencode({'next': next_url})}" if client else reverse("idp:home")
        )
        if settings.EID_PROVIDER_SHOW_DEMO_ACCOUNTS:
            context["demo_identities"] = demo.DEMO_IDENTITIES
            context["demo_password"] = demo.DEMO_PASSWORD
        return context


class EidLogoutView(auth_views.LogoutView):
    pass


def home(request):
    return render(request, "idp/home.html", {"issuer": request.build_absolute_uri("/o")})


def cancel(request):
    """The person gave up: send them back to the client with ``error=access_denied`` (RFC 6749
    §4.1.2.1) — only to a redirect URI the client registered."""
    params = _authorize_params(request.GET.get("next"))
    client = _client(params)
    redirect_uri = params.get("redirect_uri", "")
    if client is None or not redirect_uri or not client.redirect_uri_allowed(redirect_uri):
        return redirect("idp:home")
    parts = urlsplit(redirect_uri)
    query = {"error": "access_denied", "error_description": "Người dùng đã hủy đăng nhập"}
    if params.get("state"):
        query["state"] = params["state"]
    joined = "&".join(filter(None, [parts.query, urlencode(query)]))
    return HttpResponseRedirect(urlunsplit(parts._replace(query=joined)))
