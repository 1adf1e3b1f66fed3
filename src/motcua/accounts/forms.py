"""Forms of the citizen's login and sign-up pages. Messages say what to do (ui.md)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.accounts import api_auth, otp
from motcua.accounts.models import User
from motcua.accounts.personal_id import PersonalIdField


class LoginForm(AuthenticationForm):
    """Personal ID number (or an officer's user name) and password, with the lockout."""

    username = forms.CharField(
        label=_("Personal ID number or user name"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter your personal ID number (12 digits) or your user name.")},
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password.")},
    )
    error_messages = {
        "invalid_login": _(
            "The personal ID number (or user name) or the password is not right. Check them and try again."
        ),
        "inactive": _("This account is locked. Please call the hotline."),
        "locked": _("Too many failed logins. Wait %(minutes)d minutes and try again, or log in with VNeID."),
    }

    locked: api_auth.LoginLocked | None = None

    def clean(self):
        login = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if login and password:
            try:
                self.user_cache = api_auth.authenticate_password(self.request, login=login, password=password)
            except api_auth.LoginLocked as locked:
                self.locked = locked
                raise ValidationError(
                    self.error_messages["locked"], code="locked", params={"minutes": locked.minutes}
                ) from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class SignupForm(forms.Form):
    personal_id = PersonalIdField()
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        help_text=_("As printed on the citizen ID card."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your full name as printed on the citizen ID card.")},
    )
    contact = forms.CharField(
        label=_("Mobile phone number or e-mail address"),
        max_length=254,
        help_text=_("We send a 6-digit code to it to check that it is yours."),
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "spellcheck": "false", "autocapitalize": "none"}
        ),
        error_messages={
            "required": _("Enter a mobile phone number such as 0912345678, or an e-mail address.")
        },
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_(
            "At least 8 characters; not only digits, not a common password, not like your ID number."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Enter a password.")},
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Enter the password again.")},
    )

    def clean_personal_id(self):
        number = self.cleaned_data["personal_id"]
        if User.objects.filter(personal_id=number).exists() or User.objects.filter(username=number).exists():
            raise ValidationError(
                _(
                    "An account with this personal ID number already exists. Log in, or reset the password if you have forgotten it."
                ),
                code="duplicate",
            )
        return number

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_contact(self):
        channel, destination = otp.parse_contact(self.cleaned_data["contact"])
        self.channel = channel
        return destination

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error(
                "password2",
                ValidationError(
                    _("The two passwords are not the same. Enter the same password twice."),
                    code="password_mismatch",
                ),
            )
        if password1:
            probe = User(
                username=cleaned.get("personal_id") or "",
                personal_id=cleaned.get("personal_id"),
                full_name=cleaned.get("full_name") or "",
            )
            try:
                password_validation.validate_password(password1, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        help_text=_("The 6 digits in the message we sent."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
        error_messages={"required": _("Enter the 6-digit code from the message.")},
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit() and len(code) == otp.CODE_LENGTH):
            raise ValidationError(_("Enter the 6 digits of the code, without letters."), code="format")
        return code
