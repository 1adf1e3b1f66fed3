"""Token login for the API (the provincial mobile app): issue, use, expiry, revoke; 401 and 429
as problem+json; tokens stored hashed."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.utils import timezone
from ninja import Router

from motcua.accounts.api_auth import ApiTokenAuth
from motcua.accounts.models import ApiToken, LoginFailure
from motcua.core.models import AuditRecord
from tests.factories import CitizenFactory, OfficerFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token"
ME = "/api/v1/auth/me"
PROBLEM = "application/problem+json"


def issue(client, ip="10.0.0.1", **body):
    return client.post(TOKEN, body, content_type="application/json", REMOTE_ADDR=ip)


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def citizen():
    return CitizenFactory(personal_id="072090000201", full_name="Võ Văn Tài", assurance_level=2)


def test_issue_a_token_with_the_personal_id(client, citizen):
    response = issue(
        client, personal_id="072 090 000 201", password="demo12345", client_name="Tây Ninh Smart"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token"].startswith("mct_") and len(body["token"]) > 40
    assert body["token_type"] == "Bearer"
    assert body["user"] == {
        "id": citizen.pk,
        "username": "072090000201",
        "full_name": "Võ Văn Tài",
        "personal_id": "072090000201",
        "assurance_level": 2,
        "is_officer": False,
    }
    expires = datetime.datetime.fromisoformat(body["expires_at"])
    assert abs(expires - (timezone.now() + datetime.timedelta(days=30))) < datetime.timedelta(minutes=1)
    stored = ApiToken.objects.get()
    assert stored.key_hash == hashlib.sha256(body["token"].encode()).hexdigest()
    assert body["token"] not in {stored.key_hash, stored.prefix}
    assert stored.name == "Tây Ninh Smart"
    record = AuditRecord.objects.get(action="accounts.api_token_issued")
    assert record.actor == citizen and "072090000201" not in str(record.changes)


def test_issue_a_token_with_a_user_name(client):
    officer = OfficerFactory(username="canbo.api")
    response = issue(client, username="canbo.api", password="demo12345")
    assert response.status_code == 200
    assert response.json()["user"]["id"] == officer.pk
    assert response.json()["user"]["is_officer"] is True


def test_use_the_token(client, citizen):
    token = issue(client, personal_id="072090000201", password="demo12345").json()["token"]
    response = client.get(ME, **bearer(token))
    assert response.status_code == 200
    assert response.json()["id"] == citizen.pk
    assert ApiToken.objects.get().last_used_at is not None


def test_last_used_is_not_written_on_every_request(client, citizen, django_assert_num_queries):
    token = issue(client, personal_id="072090000201", password="demo12345").json()["token"]
    client.get(ME, **bearer(token))
    with django_assert_num_queries(1):  # the lookup only
        assert client.get(ME, **bearer(token)).status_code == 200


def test_wrong_credentials_are_401_problem_json(client, citizen):
    response = issue(client, personal_id="072090000201", password="sai")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 401 and body["type"] == "/problems/invalid-credentials" and body["title"]
    assert ApiToken.objects.count() == 0


def test_an_unknown_person_is_the_same_401(client):
    response = issue(client, personal_id="072090009999", password="demo12345")
    assert response.status_code == 401
    assert response.json()["type"] == "/problems/invalid-credentials"


def test_an_inactive_account_gets_no_token(client):
    CitizenFactory(personal_id="072090000202", is_active=False)
    assert issue(client, personal_id="072090000202", password="demo12345").status_code == 401


def test_a_missing_login_is_422(client):
    response = issue(client, password="demo12345")
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"][0]["path"] == "personal_id"


def test_a_missing_password_is_422(client):
    response = issue(client, personal_id="072090000201")
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM


def test_lockout_is_429_problem_json(client, citizen):
    for _ in range(5):
        assert issue(client, personal_id="072090000201", password="sai").status_code == 401
    response = issue(client, personal_id="072090000201", password="demo12345")
    assert response.status_code == 429
    assert response["Content-Type"] == PROBLEM
    assert 1 <= int(response["Retry-After"]) <= 900
    body = response.json()
    assert body["type"] == "/problems/too-many-attempts"
    assert body["status"] == 429 and body["detail"] and body["retry_after"] == int(response["Retry-After"])
    assert ApiToken.objects.count() == 0
    # From another address the right password still works.
    assert issue(client, ip="10.0.0.9", personal_id="072090000201", password="demo12345").status_code == 200


def test_web_and_api_failures_count_together(client, citizen):
    for _ in range(3):
        client.post(
            "/tai-khoan/dang-nhap/", {"username": "072090000201", "password": "sai"}, REMOTE_ADDR="10.0.0.1"
        )
    for _ in range(2):
        issue(client, personal_id="072090000201", password="sai")
    assert LoginFailure.objects.count() == 5
    assert issue(client, personal_id="072090000201", password="demo12345").status_code == 429


def test_no_or_a_bad_token_is_401_problem_json(client):
    for headers in ({}, bearer("mct_nope"), bearer("not-even-ours"), {"HTTP_AUTHORIZATION": "Basic eDp5"}):
        response = client.get(ME, **headers)
        assert response.status_code == 401
        assert response["Content-Type"] == PROBLEM


def test_an_expired_token_is_401_and_says_so(client, citizen):
    token = issue(client, personal_id="072090000201", password="demo12345").json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(ME, **bearer(token))
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response.json()["title"]


def test_a_token_of_a_deactivated_account_stops_working(client, citizen):
    token = issue(client, personal_id="072090000201", password="demo12345").json()["token"]
    citizen.is_active = False
    citizen.save()
    assert client.get(ME, **bearer(token)).status_code == 401


def test_revoke(client, citizen):
    token = issue(client, personal_id="072090000201", password="demo12345").json()["token"]
    other = issue(client, personal_id="072090000201", password="demo12345").json()["token"]
    response = client.delete(TOKEN, **bearer(token))
    assert response.status_code == 204
    assert client.get(ME, **bearer(token)).status_code == 401
    assert client.delete(TOKEN, **bearer(token)).status_code == 401
    assert client.get(ME, **bearer(other)).status_code == 200, "only the presented token is revoked"
    assert AuditRecord.objects.filter(action="accounts.api_token_revoked").count() == 1


def test_revoke_needs_a_token(client):
    response = client.delete(TOKEN)
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


def test_other_apps_protect_endpoints_with_api_token_auth(client, citizen):
    from ninja.testing import TestClient

    router = Router()

    @router.get("/mine", auth=ApiTokenAuth())
    def mine(request):
        return {"user": request.auth.pk, "same": request.user == request.auth}

    token = issue(client, personal_id="072090000201", password="demo12345").json()["token"]
    response = TestClient(router).get("/mine", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json() == {"user": citizen.pk, "same": True}
    assert TestClient(router).get("/mine").status_code == 401


def test_openapi_documents_the_bearer_scheme(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/auth/token" in schema["paths"]
    assert schema["paths"]["/api/v1/auth/me"]["get"]["security"] == [{"ApiTokenAuth": []}]
    assert schema["components"]["securitySchemes"]["ApiTokenAuth"]["scheme"] == "bearer"
