"""The dossier API the provincial mobile app uses: token auth, idempotent create, upload, submit."""

import pytest

from motcua.accounts.api_auth import issue_token
from motcua.dossiers.models import Dossier, Status
from tests.dossiers.files import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, citizen):
    raw, _ = issue_token(user=citizen, name="test")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def create(api, key="k-1", code="1.001193"):
    return api.post(
        "/api/v1/dossiers",
        {"procedure_code": code},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_without_a_token_it_is_401(client, version):
    assert (
        client.post(
            "/api/v1/dossiers", {"procedure_code": "1.001193"}, content_type="application/json"
        ).status_code
        == 401
    )


def test_create_needs_an_idempotency_key(api, version):
    response = api.post("/api/v1/dossiers", {"procedure_code": "1.001193"}, content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"


def test_create_is_idempotent(api, version):
    first = create(api)
    again = create(api)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"] and Dossier.objects.count() == 1


def test_unknown_procedure_is_a_422_with_the_field(api, version):
    response = create(api, code="9.999999")
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "procedure_code"


def test_the_whole_flow(api, version, tree):
    pk = create(api).json()["id"]
    bad = api.patch(
        f"/api/v1/dossiers/{pk}/answers",
        {"answers": {"ngay_sinh": "1995-02-30"}},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "ngay_sinh"
    unknown = api.patch(
        f"/api/v1/dossiers/{pk}/answers", {"answers": {"hacker": "x"}}, content_type="application/json"
    )
    assert unknown.status_code == 422
    ok = api.patch(
        f"/api/v1/dossiers/{pk}/answers",
        {"answers": {"ho_ten": "Trần Thị Bình", "ngay_sinh": "1995-03-12", "ten_tre": "Khang"}},
        content_type="application/json",
    )
    assert ok.status_code == 200
    forged = api.post(
        f"/api/v1/dossiers/{pk}/attachments",
        {"document_code": "giay-chung-sinh", "file": _file(b"GIF89a....")},
    )
    assert forged.status_code == 422 and forged.json()["errors"][0]["path"] == "file"
    uploaded = api.post(
        f"/api/v1/dossiers/{pk}/attachments", {"document_code": "giay-chung-sinh", "file": _file(pdf_bytes())}
    )
    assert uploaded.status_code == 201 and uploaded.json()["content_type"] == "application/pdf"
    not_ready = api.post(f"/api/v1/dossiers/{pk}/submit")
    assert not_ready.status_code == 422
    paths = {e["path"] for e in not_ready.json()["errors"]}
    assert {"receiving_agency", "payment"} <= paths
    assert (
        api.put(
            f"/api/v1/dossiers/{pk}/receiving-agency",
            {"code": "001.08.40.H53"},
            content_type="application/json",
        ).status_code
        == 200
    )
    paid = api.post(f"/api/v1/dossiers/{pk}/payment", {"method": "at_desk"}, content_type="application/json")
    assert paid.json()["payment_state"] == "at_desk"
    submitted = api.post(f"/api/v1/dossiers/{pk}/submit")
    assert submitted.status_code == 200
    body = submitted.json()
    assert (
        body["status"] == Status.SUBMITTED
        and body["code"].startswith("001.08.40.H53-")
        and len(body["pin"]) == 6
    )
    again = api.post(f"/api/v1/dossiers/{pk}/submit")
    assert again.json()["code"] == body["code"]
    receipt = api.get(f"/api/v1/dossiers/{pk}/receipt.pdf")
    assert receipt["Content-Type"] == "application/pdf"
    mine = api.get("/api/v1/dossiers").json()
    assert [d["id"] for d in mine] == [pk]
    public = api.get("/api/v1/tracking", {"code": body["code"], "pin": body["pin"]})
    assert public.status_code == 200 and public.json()["status"] == "submitted"
    assert "Trần" not in public.content.decode()


def test_another_citizens_dossier_is_404(api, version, other_citizen, client):
    pk = create(api).json()["id"]
    raw, _ = issue_token(user=other_citizen, name="other")
    response = client.get(f"/api/v1/dossiers/{pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


def test_tracking_with_a_wrong_pin_is_404(client, version):
    assert (
        client.get("/api/v1/tracking", {"code": "001.08.40.H53-261128-0001", "pin": "000000"}).status_code
        == 404
    )


def _file(content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("x.pdf", content, content_type="application/pdf")
