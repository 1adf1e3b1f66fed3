"""GET /api/v1/personal-ids/{number}: a validation service — always 200, never stored."""

from urllib.parse import quote

import pytest

from motcua.core.models import AuditRecord

pytestmark = pytest.mark.django_db


def test_a_valid_number(client):
    response = client.get("/api/v1/personal-ids/072090000001")
    assert response.status_code == 200
    assert response.json() == {
        "number": "072090000001",
        "valid": True,
        "reasons": [],
        "province_code": "072",
        "province_name": "Tây Ninh",
        "sex": "male",
        "birth_year": 1990,
    }


def test_an_invalid_number_is_200_with_reasons(client):
    response = client.get("/api/v1/personal-ids/003299000001")
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is False
    assert [r["code"] for r in body["reasons"]] == ["province", "future_birth_year"]
    assert all(r["message"] for r in body["reasons"])
    assert body["province_code"] == "003"
    assert body["province_name"] is None


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("123", "length"),
        ("abcdefghijkl", "non_digit"),
        (" ", "empty"),
        ("072 090 000 001", None),
        ("٠٧٢٠٩٠٠٠٠٠٠١", "non_digit"),
        ("0" * 500, "length"),
        ("%00", "non_digit"),
        ("';--", "non_digit"),
    ],
)
def test_any_input_gets_an_answer_never_a_500(client, raw, code):
    response = client.get("/api/v1/personal-ids/" + quote(raw, safe=""))
    assert response.status_code == 200
    body = response.json()
    if code is None:
        assert body["valid"] is True
    else:
        assert body["valid"] is False
        assert code in [r["code"] for r in body["reasons"]]


def test_messages_follow_the_language(client):
    response = client.get("/api/v1/personal-ids/123", HTTP_ACCEPT_LANGUAGE="en")
    assert "12 digits" in response.json()["reasons"][0]["message"]


def test_nothing_is_written_to_the_audit_log(client):
    client.get("/api/v1/personal-ids/072090000001")
    client.get("/api/v1/personal-ids/1234")
    assert not AuditRecord.objects.exists()


def test_the_operation_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/personal-ids/{number}" in schema["paths"]
    assert "/api/v1/units/{code}/children" in schema["paths"]
