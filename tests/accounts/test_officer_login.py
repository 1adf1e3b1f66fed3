"""Back-office login: password then TOTP (django-otp), lockout (django-axes), officer_required."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import include, path
from django.views import View
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.decorators import OfficerRequiredMixin, officer_required
from motcua.accounts.demo_otp import DEMO_TOTP_SECRET, demo_code, demo_key_hex, ensure_demo_totp
from motcua.accounts.models import User

PASSWORD = "mat-khau-Cuc-2025"
LOGIN = "/mot-cua/dang-nhap/"
OTP = "/mot-cua/dang-nhap/ma-xac-thuc/"
ENROL = "/mot-cua/dang-nhap/cai-dat-ung-dung/"
SECRET_PAGE = "/mot-cua/thu-nghiem/"


@officer_required
def secret_page(request):
    return HttpResponse("back office")


class SecretView(OfficerRequiredMixin, View):
    def get(self, request):
        return HttpResponse("back office (class)")


urlpatterns = [
    path("mot-cua/thu-nghiem/", secret_page),
    path("mot-cua/", include("motcua.accounts.officer_urls")),
    path("", include("motcua.urls")),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture(autouse=True)
def _fresh(settings, client):
    from django.core.cache import cache

    settings.MOTCUA_OFFICER_OTP_REQUIRED = True
    cache.clear()
    # Assertions below read the English msgids; the pages default to Vietnamese.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def officer(db):
    return User.objects.create_user(
        username="canbo.thu", password=PASSWORD, is_officer=True, full_name="Lê Thị Cúc"
    )


@pytest.fixture
def device(officer):
    return TOTPDevice.objects.create(user=officer, name="phone", key=demo_key_hex(), confirmed=True)


@pytest.fixture
def citizen(db):
    return User.objects.create_user(username="072090000001", personal_id="072090000001", password=PASSWORD)


def password_step(client, username="canbo.thu", password=PASSWORD, next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def verified(client) -> bool:
    return "otp_device_id" in client.session and "_auth_user_id" in client.session


def wrong_code(secret=DEMO_TOTP_SECRET) -> str:
    valid = {demo_code(secret, drift=d) for d in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def test_password_then_totp_gives_a_verified_session(client, device):
    response = password_step(client, next_url="/mot-cua/thu-nghiem/?q=1")
    assert response.status_code == 302 and response["Location"] == OTP
    assert "_auth_user_id" not in client.session  # the password alone does not log in
    assert client.get(SECRET_PAGE).status_code == 302

    page = client.get(OTP)
    assert page.status_code == 200 and "Lê Thị Cúc" in page.content.decode()
    response = client.post(OTP, {"code": demo_code()})
    assert response.status_code == 302 and response["Location"] == "/mot-cua/thu-nghiem/?q=1"
    assert verified(client)
    assert client.get(SECRET_PAGE).content == b"back office"


def test_no_next_goes_to_the_back_office_home_and_unsafe_next_is_ignored(client, device):
    password_step(client, next_url="https://evil.example/")
    response = client.post(OTP, {"code": demo_code()})
    assert response["Location"] == "/mot-cua/"


def test_wrong_totp_shows_a_message_and_does_not_verify(client, device):
    password_step(client)
    response = client.post(OTP, {"code": wrong_code()})
    assert response.status_code == 400
    assert "6 digits your authenticator app shows now" in response.content.decode()
    assert not verified(client)
    assert "_auth_user_id" not in client.session
    # django-otp throttles: even the right code is refused for a moment after a wrong one.
    response = client.post(OTP, {"code": demo_code()})
    assert response.status_code == 400 and "Wait" in response.content.decode()
    assert not verified(client)


def test_code_format_is_checked(client, device):
    password_step(client)
    response = client.post(OTP, {"code": "12ab56"})
    assert response.status_code == 400 and "without letters" in response.content.decode()


def test_otp_step_without_a_password_goes_back_to_login(client, device):
    response = client.get(OTP)
    assert response.status_code == 302 and response["Location"] == LOGIN


def test_first_login_enrols_an_authenticator_app(client, officer):
    response = password_step(client)
    assert response.status_code == 302 and response["Location"] == ENROL
    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in html  # the QR code is drawn here, no outside service
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    device = TOTPDevice.objects.get(user=officer)
    assert not device.confirmed and demo_key_hex(secret) == device.key
    assert "motcua%20T" in device.config_url  # issuer "motcua Tây Ninh"

    # Reloading keeps the same (unconfirmed) key: the QR code already scanned stays valid.
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=officer).count() == 1

    response = client.post(ENROL, {"code": wrong_code(secret)})
    assert response.status_code == 400
    assert not TOTPDevice.objects.get(user=officer).confirmed

    device.refresh_from_db()
    device.throttle_reset()  # skip django-otp's 1-second wait
    response = client.post(ENROL, {"code": demo_code(secret)})
    assert response.status_code == 302 and response["Location"] == "/mot-cua/"
    assert TOTPDevice.objects.get(user=officer).confirmed
    assert verified(client)


def test_enrolment_is_not_offered_once_a_device_exists(client, device):
    password_step(client)
    response = client.get(ENROL)
    assert response.status_code == 302 and response["Location"] == OTP


def test_a_citizen_cannot_pass_the_officer_login(client, citizen):
    response = password_step(client, username="072090000001")
    assert response.status_code == 400
    assert "The user name or the password is not right" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(OTP).status_code == 302
    # The same words as a wrong password: nothing tells that the account exists.
    other = password_step(client, username="072090000001", password="sai-mat-khau")
    assert "The user name or the password is not right" in other.content.decode()


def test_inactive_officer_cannot_log_in(client, officer, device):
    officer.is_active = False
    officer.save()
    assert password_step(client).status_code == 400


def test_five_wrong_passwords_lock_out_the_officer(client, device):
    for attempt in range(1, 5):
        response = password_step(client, password=f"wrong-{attempt}")
        assert response.status_code == 400, attempt
    response = password_step(client, password="wrong-5")
    assert response.status_code == 429
    assert 'id="login-locked"' in response.content.decode()
    assert response["Retry-After"] == str(15 * 60)
    # The sixth attempt is refused even with the right password.
    response = password_step(client)
    assert response.status_code == 429
    assert "motcua_officer_pending" not in client.session
    assert client.get(OTP).status_code == 302


def test_lockout_is_per_user_name_and_a_success_resets_the_count(client, device):
    for attempt in range(4):
        password_step(client, password=f"wrong-{attempt}")
    response = password_step(client)
    assert response.status_code == 302
    client.post(OTP, {"code": demo_code()})
    assert verified(client)
    assert AccessAttempt.objects.filter(username="canbo.thu").count() == 0  # AXES_RESET_ON_SUCCESS


def test_citizen_login_keeps_its_own_lockout_not_axes(client, citizen):
    for attempt in range(6):
        client.post("/tai-khoan/dang-nhap/", {"username": "072090000001", "password": f"wrong-{attempt}"})
    response = client.post("/tai-khoan/dang-nhap/", {"username": "072090000001", "password": PASSWORD})
    assert response.status_code == 429  # the citizen lockout (form message), not the axes page
    assert 'id="login-locked"' not in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_api_token_login_is_not_counted_by_axes(client, citizen):
    statuses = [
        client.post(
            "/api/v1/auth/token",
            {"personal_id": "072090000001", "password": f"wrong-{attempt}"},
            content_type="application/json",
        ).status_code
        for attempt in range(6)
    ]
    assert statuses == [401] * 5 + [429]  # the API's own lockout, as problem+json
    assert not AccessAttempt.objects.exists()


# --- officer_required ---------------------------------------------------------------------------


def test_officer_required_sends_anonymous_users_to_the_officer_login(client):
    response = client.get(SECRET_PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/mot-cua/thu-nghiem/"


def test_officer_required_hides_the_page_from_citizens(client, citizen):
    client.force_login(citizen)
    assert client.get(SECRET_PAGE).status_code == 404


def test_officer_required_sends_an_unverified_officer_to_the_code_step(client, officer, device):
    client.force_login(officer)  # e.g. logged in on the citizens' page: password only
    response = client.get(SECRET_PAGE)
    assert response.status_code == 302 and response["Location"] == f"{OTP}?next=/mot-cua/thu-nghiem/"
    response = client.post(response["Location"], {"code": demo_code()})
    assert response["Location"] == SECRET_PAGE
    assert client.get(SECRET_PAGE).status_code == 200


def test_officer_required_lets_a_verified_officer_in(client, device):
    password_step(client)
    client.post(OTP, {"code": demo_code()})
    response = client.get(SECRET_PAGE)
    assert response.status_code == 200 and response.content == b"back office"


def test_unverified_officer_without_device_is_sent_on_to_enrolment(client, officer):
    client.force_login(officer)
    response = client.get(OTP)
    assert response.status_code == 302 and response["Location"] == ENROL


def test_mixin_with_request_factory(officer, citizen):
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    factory = RequestFactory()
    view = SecretView.as_view()
    request = factory.get("/x/")
    request.user = AnonymousUser()
    assert view(request).status_code == 302
    request.user = citizen
    with pytest.raises(Http404):
        view(request)
    request.user = officer  # no OTPMiddleware, so not verified
    assert view(request)["Location"].startswith(OTP)
    officer.is_verified = lambda: True
    assert view(request).status_code == 200


def test_otp_step_can_be_switched_off(client, settings, officer):
    settings.MOTCUA_OFFICER_OTP_REQUIRED = False
    response = password_step(client, next_url=SECRET_PAGE)
    assert response.status_code == 302 and response["Location"] == SECRET_PAGE
    assert client.get(SECRET_PAGE).status_code == 200


def test_logout(client, device):
    password_step(client)
    client.post(OTP, {"code": demo_code()})
    response = client.post("/mot-cua/dang-xuat/")
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert client.get(SECRET_PAGE).status_code == 302


# --- Demo devices -------------------------------------------------------------------------------


def test_demo_officers_get_the_published_secret(client):
    User.objects.create_user(username="canbo.tandong", password=PASSWORD, is_officer=True)
    User.objects.create_user(username="072090000001", password=PASSWORD)
    assert ensure_demo_totp() == [("canbo.tandong", DEMO_TOTP_SECRET)]
    assert ensure_demo_totp() == [("canbo.tandong", DEMO_TOTP_SECRET)]  # idempotent
    assert TOTPDevice.objects.filter(user__username="canbo.tandong", confirmed=True).count() == 1
    password_step(client, username="canbo.tandong")
    response = client.post(OTP, {"code": demo_code()})
    assert response.status_code == 302 and verified(client)
