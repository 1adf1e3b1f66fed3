"""Password login on the web (personal ID number or user name), the lockout, logout, and the
guard for services that need an account verified with VNeID (assurance level 2)."""

from __future__ import annotations

import datetime
from html import escape

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views import View

from motcua.accounts.models import LoginFailure
from motcua.accounts.selectors import meets_assurance
from motcua.accounts.views import AssuranceRequiredMixin, require_assurance
from tests.factories import CitizenFactory, OfficerFactory

pytestmark = pytest.mark.django_db

LOGIN = "/tai-khoan/dang-nhap/"


def vi(message: str) -> str:
    with translation.override("vi"):
        return escape(gettext(message))


def post_login(client, username, password, ip="10.0.0.1", **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra}, REMOTE_ADDR=ip)


def logged_in(client) -> bool:
    return SESSION_KEY in client.session


def test_the_page_offers_vneid_first(client):
    response = client.get(LOGIN, {"next": "/thu-tuc/"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index('id="vneid-login"') < html.index('id="password-login"')
    assert 'href="/tai-khoan/vneid/?next=%2Fthu-tuc%2F"' in html
    assert 'href="/tai-khoan/dang-ky/?next=%2Fthu-tuc%2F"' in html
    assert 'autocomplete="current-password"' in html
    assert f'<span class="brand-name">{escape(settings.MOTCUA_SITE_NAME)}</span>' in html


def test_login_with_the_personal_id_number(client):
    citizen = CitizenFactory(personal_id="072090000123")
    response = post_login(client, "072 090 000 123", "demo12345", next="/thu-tuc/")
    assert response.status_code == 302
    assert response["Location"] == "/thu-tuc/"
    assert int(client.session[SESSION_KEY]) == citizen.pk


def test_login_with_an_officer_user_name(client):
    officer = OfficerFactory(username="canbo.thu")
    response = post_login(client, "canbo.thu", "demo12345")
    assert response.status_code == 302
    assert int(client.session[SESSION_KEY]) == officer.pk


def test_an_officer_may_type_the_personal_id_instead(client):
    officer = OfficerFactory(username="canbo.thu2", personal_id="072085000777")
    post_login(client, "072085000777", "demo12345")
    assert int(client.session[SESSION_KEY]) == officer.pk


def test_a_wrong_password_is_explained_and_counted(client):
    CitizenFactory(personal_id="072090000124")
    response = post_login(client, "072090000124", "sai-mat-khau")
    assert response.status_code == 200
    assert not logged_in(client)
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert (
        vi("The personal ID number (or user name) or the password is not right. Check them and try again.")
        in html
    )
    assert 'value="072090000124"' in html, "the entered number is kept"
    assert LoginFailure.objects.count() == 1


def test_empty_fields_say_what_to_enter(client):
    response = client.post(LOGIN, {"username": "", "password": ""})
    html = response.content.decode()
    assert vi("Enter your personal ID number (12 digits) or your user name.") in html
    assert 'href="#id_username"' in html
    assert LoginFailure.objects.count() == 0


def test_a_locked_account_cannot_log_in(client):
    CitizenFactory(personal_id="072090000125", is_active=False)
    response = post_login(client, "072090000125", "demo12345")
    assert response.status_code == 200
    assert not logged_in(client)


def test_lockout_after_five_failures(client):
    citizen = CitizenFactory(personal_id="072090000126")
    for _ in range(5):
        assert post_login(client, "072090000126", "sai").status_code == 200
    # Sixth attempt, even with the right password: refused without checking it.
    response = post_login(client, "072090000126", "demo12345")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 15 * 60
    assert not logged_in(client)
    html = response.content.decode()
    with translation.override("vi"):
        expected = escape(
            gettext("Too many failed logins. Wait %(minutes)d minutes and try again, or log in with VNeID.")
            % {"minutes": 15}
        )
    assert expected in html
    assert 'id="vneid-login"' in html
    assert LoginFailure.objects.count() == 5, "attempts while locked are not counted"

    # Another address is not locked out.
    assert post_login(client, "072090000126", "demo12345", ip="10.0.0.2").status_code == 302
    client.logout()

    # Fifteen minutes later the lock is gone, and a success clears the count.
    LoginFailure.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=15, seconds=1))
    assert post_login(client, "072090000126", "demo12345").status_code == 302
    assert int(client.session[SESSION_KEY]) == citizen.pk
    assert LoginFailure.objects.count() == 0


def test_lockout_is_per_user_name(client):
    CitizenFactory(personal_id="072090000127")
    other = CitizenFactory(personal_id="072090000128")
    for _ in range(5):
        post_login(client, "072090000127", "sai")
    assert post_login(client, "072090000128", "demo12345").status_code == 302
    assert int(client.session[SESSION_KEY]) == other.pk


def test_the_lockout_ignores_spaces_in_the_number(client):
    CitizenFactory(personal_id="072090000129")
    for _ in range(5):
        post_login(client, "072090000129", "sai")
    assert post_login(client, "072 090 000 129", "demo12345").status_code == 429


def test_nothing_identifying_is_stored_for_the_lockout(client):
    post_login(client, "072090000130", "sai", ip="203.0.113.9")
    key = LoginFailure.objects.get().key
    assert "072090000130" not in key and "203.0.113.9" not in key and len(key) == 64


def test_a_code_in_the_query_does_not_reach_the_provider(client, settings):
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/o/token/"
    CitizenFactory(personal_id="072090000131")
    response = client.post(LOGIN + "?code=abc&state=xyz", {"username": "072090000131", "password": "sai"})
    assert response.status_code == 200
    assert not logged_in(client)


def test_logout(client):
    client.force_login(CitizenFactory())
    response = client.post("/tai-khoan/dang-xuat/")
    assert response.status_code == 302
    assert not logged_in(client)


# --- Assurance level -------------------------------------------------------------------------


def test_meets_assurance():
    level1 = CitizenFactory(assurance_level=1)
    level2 = CitizenFactory(assurance_level=2)
    assert meets_assurance(level1, 1) and meets_assurance(level1, None)
    assert not meets_assurance(level1, 2)
    assert meets_assurance(level2, 2) and meets_assurance(level2, 1)
    assert not meets_assurance(AnonymousUser(), 1)
    assert not meets_assurance(None, 1)
    assert not meets_assurance(CitizenFactory(assurance_level=2, is_active=False), 2)


def _request(user, path="/nop-ho-so/1.000001/?buoc=2"):
    request = RequestFactory().get(path)
    request.user = user
    return request


@require_assurance(2)
def level2_view(request):
    return HttpResponse("ok")


@require_assurance(lambda request, code: 2 if code == "strict" else 1)
def per_procedure_view(request, code):
    return HttpResponse(code)


class Level2View(AssuranceRequiredMixin, View):
    def get(self, request):
        return HttpResponse("ok")


def test_require_assurance_lets_a_level_2_citizen_in():
    assert level2_view(_request(CitizenFactory(assurance_level=2))).content == b"ok"
    assert Level2View.as_view()(_request(CitizenFactory(assurance_level=2))).status_code == 200


def test_require_assurance_sends_a_level_1_citizen_to_vneid():
    for view in (level2_view, Level2View.as_view()):
        response = view(_request(CitizenFactory(assurance_level=1)))
        assert response.status_code == 302
        assert (
            response["Location"]
            == "/tai-khoan/can-xac-thuc-vneid/?next=%2Fnop-ho-so%2F1.000001%2F%3Fbuoc%3D2"
        )


def test_require_assurance_sends_a_visitor_to_log_in():
    response = level2_view(_request(AnonymousUser()))
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/?next=")


def test_the_level_may_depend_on_the_procedure():
    citizen = CitizenFactory(assurance_level=1)
    assert per_procedure_view(_request(citizen), code="easy").content == b"easy"
    assert per_procedure_view(_request(citizen), code="strict").status_code == 302


def test_the_page_that_asks_for_vneid(client):
    client.force_login(CitizenFactory(assurance_level=1))
    response = client.get("/tai-khoan/can-xac-thuc-vneid/", {"next": "/nop-ho-so/1.000001/"})
    assert response.status_code == 403
    html = response.content.decode()
    assert 'href="/tai-khoan/vneid/?next=%2Fnop-ho-so%2F1.000001%2F"' in html
    assert vi("Log in with VNeID") in html


def test_the_page_drops_an_unsafe_next(client):
    response = client.get("/tai-khoan/can-xac-thuc-vneid/", {"next": "https://evil.example/"})
    assert 'href="/tai-khoan/vneid/"' in response.content.decode()
