"""Public catalog API: search, detail, problem+json on bad input."""

import pytest

pytestmark = pytest.mark.django_db


def test_search_endpoint(client, imported):
    response = client.get("/api/v1/procedures", {"q": "dang ky khai sinh"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["code"] == "1.001193"
    assert body["results"][0]["url"] == "/thu-tuc/1.001193/"


def test_detail_endpoint_gives_what_a_citizen_needs(client, imported):
    body = client.get("/api/v1/procedures/1.012345").json()
    assert body["name"].startswith("Đăng ký biến động")
    amounts = {channel: [f["amount"] for f in fees] for channel, fees in body["fees_today"].items()}
    assert amounts == {"in_person": [100000], "online": [50000], "post": [100000]}
    assert body["online_saving"] == 50000
    assert body["due_if_submitted_now"]
    assert body["agencies"] == [{"code": "000.00.07.H53", "name": "Sở Nông nghiệp và Môi trường"}]


def test_unknown_code_is_a_404_problem(client, imported):
    response = client.get("/api/v1/procedures/9.999999")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert "9.999999" in response.json()["detail"]


def test_bad_page_is_a_422_problem_with_the_field(client, imported):
    response = client.get("/api/v1/procedures", {"page": "abc"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["path"] == "page"


def test_unknown_level_is_a_422_problem(client, imported):
    response = client.get("/api/v1/procedures", {"level": "district"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "level"


def test_page_size_over_the_limit_is_refused(client, imported):
    response = client.get("/api/v1/procedures", {"page_size": 1000})
    assert response.status_code == 422


def test_sectors_and_life_events(client, imported):
    sectors = {s["code"]: s["count"] for s in client.get("/api/v1/sectors").json()}
    assert sectors == {"ho-tich": 1, "dat-dai": 1}
    events = client.get("/api/v1/life-events").json()
    assert events[0]["code"] == "sinh-con"


def test_openapi_is_published(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/procedures" in response.json()["paths"]
