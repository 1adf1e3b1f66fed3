"""VNeID login, end to end: motcua (Django's test client) ↔ the demo provider (its own process,
django-oauth-toolkit) over real HTTP — authorization code with PKCE, state and nonce, an RS256 ID
token checked against the provider's JWKS, claims from the userinfo endpoint."""

from __future__ import annotations

import json
from html import escape
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.utils import translation
from django.utils.translation import gettext

from motcua.accounts.models import User
from motcua.core.models import AuditRecord
from tests.factories import CitizenFactory, OfficerFactory

pytestmark = pytest.mark.django_db

AN = "072090000001"  # Nguyễn Văn An — level 1 in the motcua demo
BINH = "080195000002"  # Trần Thị Bình
CUONG = "072093000003"  # Lê Văn Cường — no motcua account yet


def vi(message: str) -> str:
    with translation.override("vi"):
        return escape(gettext(message))


def start(client, next_url="/thu-tuc/"):
    response = client.get("/tai-khoan/vneid/", {"next": next_url})
    assert response.status_code == 302
    return response["Location"]


def finish(client, callback_url):
    parts = urlsplit(callback_url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "http://testserver/tai-khoan/vneid/callback/"
    return client.get(parts.path, parse_qs(parts.query))


def eid_login(client, eid, personal_id, next_url="/thu-tuc/"):
    return finish(client, eid.login(start(client, next_url), personal_id))


def logged_in_user(client):
    user_id = client.session.get(SESSION_KEY)
    return User.objects.get(pk=user_id) if user_id else None


def test_the_authorization_request_uses_pkce_state_and_nonce(client, eid):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == ["motcua-demo"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert set(query["scope"][0].split()) == {"openid", "profile", "phone", "citizen"}
    assert query["redirect_uri"] == ["http://testserver/tai-khoan/vneid/callback/"]


def test_a_new_citizen_gets_a_level_2_account(client, eid):
    response = eid_login(client, eid, CUONG)
    assert response.status_code == 302
    assert response["Location"] == "/thu-tuc/"
    user = User.objects.get(personal_id=CUONG)
    assert logged_in_user(client) == user
    assert user.assurance_level == User.AssuranceLevel.EID_VERIFIED == 2
    assert user.username == CUONG
    assert user.full_name == "Lê Văn Cường"
    assert not user.has_usable_password()
    assert user.is_active and not user.is_officer
    record = AuditRecord.objects.get(action="accounts.eid_login")
    assert record.changes["created"] is True and record.changes["assurance_level"] == 2
    assert record.actor == user
    # The personal ID number is in no audit record.
    for row in AuditRecord.objects.all():
        assert CUONG not in json.dumps(row.changes) + row.object_repr + row.actor_label


def test_claims_fill_name_and_phone(client, eid, monkeypatch):
    from motcua.accounts.eid import VNeIDBackend

    seen = {}
    original_userinfo, original_verify = VNeIDBackend.get_userinfo, VNeIDBackend.verify_token

    def get_userinfo(self, *args):
        seen["userinfo"] = original_userinfo(self, *args)
        return seen["userinfo"]

    def verify_token(self, token, **kwargs):
        seen["id_token"] = original_verify(self, token, **kwargs)
        return seen["id_token"]

    monkeypatch.setattr(VNeIDBackend, "get_userinfo", get_userinfo)
    monkeypatch.setattr(VNeIDBackend, "verify_token", verify_token)
    eid_login(client, eid, BINH)
    assert seen["userinfo"] | {"sub": "…"} == {
        "sub": "…",
        "acr": "level2",
        "name": "Trần Thị Bình",
        "birthdate": "1995-03-12",
        "gender": "female",
        "phone_number": "+84912345678",
        "phone_number_verified": True,
        "citizen_id": BINH,
        "assurance_level": 2,
    }
    assert seen["id_token"]["aud"] == "motcua-demo"
    assert seen["id_token"]["iss"] == f"{eid.base_url}/o"
    assert seen["id_token"]["acr"] == "level2"
    assert seen["id_token"]["nonce"]
    user = User.objects.get(personal_id=BINH)
    assert user.full_name == "Trần Thị Bình"
    assert user.phone == "0912345678"  # sent as +84912345678 (E.164)


def test_an_existing_level_1_account_is_upgraded(client, eid):
    citizen = CitizenFactory(personal_id=AN, full_name="Nguyen Van An", assurance_level=1)
    response = eid_login(client, eid, AN)
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert User.objects.filter(personal_id=AN).count() == 1
    assert logged_in_user(client) == citizen
    assert citizen.assurance_level == 2
    assert citizen.full_name == "Nguyễn Văn An"
    assert citizen.check_password("demo12345"), "the password still works"
    assert AuditRecord.objects.filter(
        action="accounts.assurance_level_changed", object_id=str(citizen.pk)
    ).exists()
    record = AuditRecord.objects.get(action="accounts.eid_login")
    assert record.changes["upgraded"] is True and record.changes["created"] is False
    assert record.changes["updated_fields"] == ["full_name"]


def test_logging_in_again_changes_nothing(client, eid):
    eid_login(client, eid, BINH)
    client.logout()
    eid_login(client, eid, BINH)
    assert User.objects.filter(personal_id=BINH).count() == 1
    records = list(AuditRecord.objects.filter(action="accounts.eid_login").order_by("pk"))
    assert [r.changes["created"] for r in records] == [True, False]
    assert records[1].changes["updated_fields"] == []


def test_an_invalid_personal_id_claim_is_refused(client, eid):
    eid.add_identity("000190000009", "Người Thử Số Sai")  # province 000 does not exist
    response = eid_login(client, eid, "000190000009")
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")
    assert logged_in_user(client) is None
    assert not User.objects.filter(full_name="Người Thử Số Sai").exists()
    page = client.get(response["Location"])
    assert (
        vi(
            "VNeID sent a personal ID number that is not valid, so you cannot be logged in. "
            "Please call the hotline, or log in with your password."
        )
        in page.content.decode()
    )


def test_a_state_that_was_not_issued_is_refused(client, eid):
    callback = eid.login(start(client), BINH)
    parts = urlsplit(callback)
    query = parse_qs(parts.query)
    query["state"] = ["forged-state-000000000000000000"]
    response = finish(client, urlunsplit(parts._replace(query=urlencode(query, doseq=True))))
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")
    assert logged_in_user(client) is None
    assert not User.objects.filter(personal_id=BINH).exists()
    page = client.get(response["Location"]).content.decode()
    assert (
        vi(
            "The VNeID login could not be completed: it took too long or was started in another "
            "window. Please try again."
        )
        in page
    )


def test_a_callback_from_another_browser_is_refused(client, eid):
    from django.test import Client

    callback = eid.login(start(client), BINH)
    other = Client()  # no state in its session
    response = finish(other, callback)
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")
    assert logged_in_user(other) is None
    assert not User.objects.filter(personal_id=BINH).exists()


def test_a_code_cannot_be_used_twice(client, eid):
    callback = eid.login(start(client), BINH)
    assert finish(client, callback)["Location"] == "/thu-tuc/"
    client.logout()
    response = finish(client, callback)
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")
    assert logged_in_user(client) is None


def test_provider_down_at_the_start_shows_a_clear_message(client, settings):
    from motcua.accounts.eid import provider_endpoints
    from tests.accounts.conftest import free_port

    for name, value in provider_endpoints(f"http://127.0.0.1:{free_port()}").items():
        setattr(settings, name, value)
    settings.OIDC_TIMEOUT = 2
    response = client.get("/tai-khoan/vneid/", {"next": "/thu-tuc/"})
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/dang-nhap/?next=%2Fthu-tuc%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert (
        text.count(vi("Could not connect to VNeID. Please try again later or log in with your password."))
        == 1
    )
    assert 'id="password-login"' in text


def test_provider_down_during_the_callback_shows_a_clear_message(client, eid, settings):
    from tests.accounts.conftest import free_port

    callback = eid.login(start(client), BINH)
    settings.OIDC_OP_TOKEN_ENDPOINT = f"http://127.0.0.1:{free_port()}/o/token/"
    response = finish(client, callback)
    assert response.status_code == 302
    assert logged_in_user(client) is None
    page = client.get(response["Location"]).content.decode()
    assert vi("Could not connect to VNeID. Please try again later or log in with your password.") in page


def test_cancelling_at_the_provider(client, eid):
    import requests

    authorize = start(client)
    browser = requests.Session()
    login_url = browser.get(authorize, allow_redirects=False, timeout=10).headers["Location"]
    page = browser.get(eid.base_url + login_url, timeout=10).text
    cancel = page.split('class="secondary" href="')[1].split('"')[0].replace("&amp;", "&")
    response = browser.get(eid.base_url + cancel, allow_redirects=False, timeout=10)
    callback = response.headers["Location"]
    assert "error=access_denied" in callback
    result = finish(client, callback)
    assert result["Location"].startswith("/tai-khoan/dang-nhap/")
    assert (
        vi("You cancelled the VNeID login. You can try again or log in with your password.")
        in client.get(result["Location"]).content.decode()
    )


def test_an_id_token_from_another_issuer_is_refused(client, eid, settings):
    settings.MOTCUA_EID_ISSUER = "https://vneid.example.invalid/o"
    response = eid_login(client, eid, BINH)
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")
    assert logged_in_user(client) is None


def test_a_locked_account_cannot_log_in_with_vneid(client, eid):
    CitizenFactory(personal_id=AN, is_active=False)
    response = eid_login(client, eid, AN)
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")
    assert logged_in_user(client) is None
    assert User.objects.get(personal_id=AN).assurance_level == 1


def test_an_officer_username_equal_to_the_number_is_not_merged(client, eid):
    OfficerFactory(username=CUONG)  # no personal_id: the number is only a user name
    response = eid_login(client, eid, CUONG)
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")
    assert logged_in_user(client) is None


def test_an_unsafe_next_is_ignored(client, eid):
    response = eid_login(client, eid, BINH, next_url="https://evil.example/")
    assert response["Location"] == "/"


def test_the_provider_publishes_the_claims_contract(eid):
    import requests

    discovery = requests.get(f"{eid.base_url}/o/.well-known/openid-configuration", timeout=5).json()
    assert discovery["issuer"] == f"{eid.base_url}/o"
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert {"citizen_id", "name", "birthdate", "gender", "phone_number", "acr", "assurance_level"} <= set(
        discovery["claims_supported"]
    )
