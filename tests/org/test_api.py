"""GET /api/v1/units and GET /api/v1/units/{code}/children."""

import pytest

pytestmark = pytest.mark.django_db


def test_units_lists_the_34_provinces(client, units):
    response = client.get("/api/v1/units")
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 34
    assert body[0] == {
        "code": "01",
        "name": "Thành phố Hà Nội",
        "division_type": "thành phố trung ương",
        "level": "province",
    }
    assert {"code": "80", "name": "Tỉnh Tây Ninh", "division_type": "tỉnh", "level": "province"} in body


def test_children_of_tay_ninh_are_its_96_communes(client, units, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/units/80/children")
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 96
    assert body[0] == {
        "code": "25459",
        "name": "Phường Tân Ninh",
        "division_type": "phường",
        "level": "commune",
    }
    assert [u["code"] for u in body] == sorted(u["code"] for u in body)
    assert {"code": "25522", "name": "Xã Tân Đông", "division_type": "xã", "level": "commune"} in body


def test_children_accepts_a_province_code_without_its_leading_zero(client, units):
    response = client.get("/api/v1/units/1/children")
    assert response.status_code == 200
    assert len(response.json()) > 0


def test_a_commune_has_no_children(client, units):
    response = client.get("/api/v1/units/25522/children")
    assert response.status_code == 200
    assert response.json() == []


def test_unknown_code_is_a_404_problem_with_a_clear_message(client, units):
    response = client.get("/api/v1/units/12345678/children")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 404
    assert body["title"]
    assert "12345678" in body["detail"]
    assert "/api/v1/units" in body["detail"]


def test_a_unit_that_no_longer_exists_is_not_found(client, demo_tree):
    # Old Tây Ninh (72) ended on 30 June 2025.
    assert client.get("/api/v1/units/72/children").status_code == 404


def test_children_leave_out_ended_communes(client, units):
    from motcua.org.models import AdministrativeUnit

    AdministrativeUnit.objects.filter(code="25522").update(valid_to="2025-12-31")
    codes = [u["code"] for u in client.get("/api/v1/units/80/children").json()]
    assert "25522" not in codes
    assert len(codes) == 95
