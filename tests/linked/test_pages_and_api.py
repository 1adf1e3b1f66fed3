"""What the parent, the officers, the public and the mobile app see of a linked application."""

from __future__ import annotations

import pytest

from motcua.accounts.api_auth import issue_token
from motcua.linked.models import StageState
from tests.linked.conftest import BIRTH_ANSWERS, file_application, process_to_result

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_otp(settings):
    settings.MOTCUA_OFFICER_OTP_REQUIRED = False  # TOTP itself is tested in tests/accounts


@pytest.fixture
def application(catalog, citizen, tree):
    return file_application(procedure_code="2.000986", answers=BIRTH_ANSWERS, citizen=citizen, tree=tree)


def test_the_parent_sees_every_agency_step_with_its_due_date(client, citizen, application):
    client.force_login(citizen)
    page = client.get(f"/ho-so/{application.pk}/").content.decode()
    assert page.count('class="stage stage-') == 3
    assert "UBND xã Tân Đông" in page and "Công an xã Tân Đông" in page and "Bảo hiểm xã hội" in page
    assert "Chờ bước trước" in page or "Waiting" in page


def test_the_parent_sees_which_agency_asks_for_what(client, citizen, application, officers):
    from motcua.dossiers import backoffice

    birth = application.linked_stages.get(procedure_code="1.001193").dossier
    birth = backoffice.receive(dossier=birth, actor=officers["1.001193"]["desk"])
    backoffice.request_supplement(
        dossier=birth, actor=officers["1.001193"]["desk"], reason="Ảnh bị mờ", items=["Giấy chứng sinh"]
    )
    client.force_login(citizen)
    page = client.get(f"/ho-so/{application.pk}/").content.decode()
    assert "Ảnh bị mờ" in page and f"/ho-so/{birth.pk}/" in page
    stage_page = client.get(f"/ho-so/{birth.pk}/").content.decode()
    assert application.code in stage_page and 'id="supplement"' in stage_page


def test_my_dossiers_lists_the_application_once(client, citizen, application):
    client.force_login(citizen)
    page = client.get("/ho-so/").content.decode()
    birth = application.linked_stages.get(procedure_code="1.001193").dossier
    assert application.code in page and birth.code not in page


def test_the_officer_sees_the_data_handed_on_from_the_birth_registration(client, application, officers):
    process_to_result(application.linked_stages.get(procedure_code="1.001193").dossier, officers["1.001193"])
    stage = application.linked_stages.get(procedure_code="1.004222")
    client.force_login(officers["1.004222"]["desk"])
    page = client.get(f"/mot-cua/ho-so/{stage.dossier_id}/").content.decode()
    child_id = application.linked_stages.get(procedure_code="1.001193").outputs["so_dinh_danh_tre"]
    assert child_id in page and application.code in page


def test_public_tracking_of_the_application_shows_agencies_not_people(client, application):
    response = client.get("/tra-cuu/", {"code": application.code, "pin": application.tracking_pin})
    page = response.content.decode()
    assert page.count('class="stage stage-') == 3
    assert "Nguyễn Bảo Ngọc" not in page and "080195000002" not in page
    assert "/ho-so/" not in page.split('id="linked-stages"')[1].split("</section>")[0]


def test_the_api_gives_the_whole_group_with_stages_and_results(client, citizen, application, officers):
    process_to_result(application.linked_stages.get(procedure_code="1.001193").dossier, officers["1.001193"])
    raw, _ = issue_token(user=citizen, name="app")
    body = client.get(
        f"/api/v1/linked-applications/{application.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}"
    ).json()
    assert body["code"] == application.code and body["status"] == "in_progress"
    assert [s["procedure_code"] for s in body["stages"]] == ["1.001193", "1.004222", "1.001939"]
    assert body["stages"][0]["state"] == StageState.DONE and body["stages"][0]["results"][0]["download_url"]
    assert body["stages"][1]["state"] == StageState.OPEN and body["stages"][1]["due_at"]


def test_another_citizen_gets_not_found(client, application, other_citizen):
    raw, _ = issue_token(user=other_citizen, name="app")
    response = client.get(f"/api/v1/linked-applications/{application.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


def test_the_groups_are_public_in_the_api(client, catalog):
    groups = client.get("/api/v1/linked-groups").json()
    assert {g["code"] for g in groups} == {"lien-thong-khai-sinh", "lien-thong-khai-tu"}
    death = client.get("/api/v1/linked-groups/lien-thong-khai-tu").json()
    assert [b["code"] for b in death["bundles"]] == ["2", "3-bhxh", "3-xa", "4"]
    assert client.get("/api/v1/linked-groups/khong-co").status_code == 404


def test_filing_through_the_api_opens_the_first_stage(client, citizen, catalog, tree):
    from tests.dossiers.files import image_bytes

    raw, _ = issue_token(user=citizen, name="app")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    created = client.post(
        "/api/v1/dossiers",
        {"procedure_code": "2.000986"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="lt-1",
        **auth,
    ).json()
    pk = created["id"]
    client.patch(
        f"/api/v1/dossiers/{pk}/answers", {"answers": BIRTH_ANSWERS}, content_type="application/json", **auth
    )
    client.put(
        f"/api/v1/dossiers/{pk}/receiving-agency",
        {"code": "001.08.40.H53"},
        content_type="application/json",
        **auth,
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(
        f"/api/v1/dossiers/{pk}/attachments",
        {
            "document_code": "giay-chung-sinh",
            "file": SimpleUploadedFile("gcs.png", image_bytes(), "image/png"),
        },
        **auth,
    )
    submitted = client.post(f"/api/v1/dossiers/{pk}/submit", **auth)
    assert submitted.status_code == 200, submitted.content
    body = client.get(f"/api/v1/linked-applications/{pk}", **auth).json()
    assert [s["state"] for s in body["stages"]] == ["open", "waiting", "waiting"]


def test_the_application_api_reads_a_bounded_number_of_queries(
    client, citizen, application, officers, django_assert_max_num_queries
):
    for code in ("1.001193", "1.004222"):
        stage = application.linked_stages.get(procedure_code=code)
        process_to_result(stage.dossier, officers[code])
    raw, _ = issue_token(user=citizen, name="app")
    with django_assert_max_num_queries(12):
        client.get(f"/api/v1/linked-applications/{application.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_member_procedure_page_links_to_the_group_application(client, catalog):
    page = client.get("/thu-tuc/1.004222/").content.decode()
    assert "/thu-tuc/2.000986/" in page
