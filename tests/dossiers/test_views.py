"""The citizen's pages without JavaScript: start, wizard, check answers, submit, receipt, tracking."""

import re

import pytest

from motcua.dossiers.models import Dossier, Status
from tests.dossiers.files import pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, citizen):
    client.force_login(citizen)
    return client


def start(client, code="1.001193"):
    page = client.get(f"/nop-ho-so/{code}/")
    token = re.search(r'name="start_token" value="([0-9a-f]+)"', page.content.decode()).group(1)
    response = client.post(f"/nop-ho-so/{code}/", {"start_token": token})
    assert response.status_code == 302
    return Dossier.objects.get(), response["Location"], token


def test_login_is_required(client, version):
    response = client.get("/nop-ho-so/1.001193/")
    assert response.status_code == 302 and "/tai-khoan/" in response["Location"]


def test_start_twice_with_the_same_token_makes_one_draft(logged_in, version):
    dossier, location, token = start(logged_in)
    assert location == f"/ho-so/{dossier.pk}/buoc/0/"
    logged_in.post("/nop-ho-so/1.001193/", {"start_token": token})
    assert Dossier.objects.count() == 1


def test_the_whole_journey_without_javascript(logged_in, version, tree, citizen):
    dossier, location, _ = start(logged_in)
    page = logged_in.get(location)
    assert page.status_code == 200 and "Bước 1/3" in page.content.decode()
    # step 1: errors beside the fields, nothing lost
    bad = logged_in.post(location, {"ho_ten": "Trần Thị Bình", "ngay_sinh": "31/02/1995"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert 'aria-invalid="true"' in html and "Trần Thị Bình" in html
    ok = logged_in.post(location, {"ho_ten": "Trần Thị Bình", "ngay_sinh": "12/03/1995"})
    assert ok["Location"] == f"/ho-so/{dossier.pk}/buoc/1/"
    # step 2: answer and upload
    step2 = logged_in.post(
        ok["Location"], {"ten_tre": "Lê Minh Khang", "doc_giay-chung-sinh": upload("gcs.pdf", pdf_bytes())}
    )
    assert step2["Location"] == f"/ho-so/{dossier.pk}/kiem-tra/"
    review = logged_in.get(step2["Location"])
    assert "12/03/1995" in review.content.decode()
    # choose the centre and pay at the desk, then submit
    logged_in.post(step2["Location"], {"receiving_agency": "001.08.40.H53", "action": "pay_at_desk"})
    done = logged_in.post(step2["Location"], {"receiving_agency": "001.08.40.H53", "action": "submit"})
    assert done["Location"] == f"/ho-so/{dossier.pk}/da-nop/"
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    page = logged_in.get(done["Location"]).content.decode()
    assert dossier.code in page and dossier.tracking_pin in page
    receipt = logged_in.get(f"/ho-so/{dossier.pk}/bien-nhan.pdf")
    assert receipt["Content-Type"] == "application/pdf" and receipt.content.startswith(b"%PDF")
    mine = logged_in.get("/ho-so/").content.decode()
    assert dossier.code in mine
    logged_in.logout()  # the public page, as anyone sees it
    tracked = logged_in.get("/tra-cuu/", {"code": dossier.code, "pin": dossier.tracking_pin})
    assert tracked.status_code == 200 and "Trần Thị Bình" not in tracked.content.decode()


def test_submit_without_answers_lists_what_is_missing(logged_in, version):
    dossier, _, _ = start(logged_in)
    response = logged_in.post(f"/ho-so/{dossier.pk}/kiem-tra/", {"action": "submit"})
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    assert Dossier.objects.get().status == Status.DRAFT


def test_a_forged_upload_gets_a_message_beside_the_slot(logged_in, version):
    dossier, _, _ = start(logged_in)
    logged_in.post(f"/ho-so/{dossier.pk}/buoc/0/", {"ho_ten": "A", "ngay_sinh": "12/03/1995"})
    response = logged_in.post(
        f"/ho-so/{dossier.pk}/buoc/1/",
        {"ten_tre": "B", "doc_giay-chung-sinh": upload("gcs.pdf", b"MZ\x90\x00 not a pdf")},
    )
    assert response.status_code == 400
    assert "err_doc_giay-chung-sinh" in response.content.decode()
    assert not dossier.attachments.exists()


def test_someone_elses_dossier_is_not_found(client, version, citizen, other_citizen):
    client.force_login(citizen)
    dossier, _, _ = start(client)
    client.force_login(other_citizen)
    assert client.get(f"/ho-so/{dossier.pk}/buoc/0/").status_code == 404
    assert client.get(f"/ho-so/{dossier.pk}/bien-nhan.pdf").status_code == 404


def test_tracking_with_a_wrong_pin_says_so_and_is_rate_limited(client, version):
    response = client.get("/tra-cuu/", {"code": "001.08.40.H53-261128-0001", "pin": "123456"})
    assert response.status_code == 404
    for _ in range(25):
        response = client.get("/tra-cuu/", {"code": "001.08.40.H53-261128-0001", "pin": "123456"})
    assert response.status_code == 404 and "15" in response.content.decode()


def test_a_script_in_an_answer_is_shown_as_text(logged_in, version):
    dossier, location, _ = start(logged_in)
    logged_in.post(location, {"ho_ten": "<script>alert(1)</script>", "ngay_sinh": "12/03/1995"})
    html = logged_in.get(f"/ho-so/{dossier.pk}/kiem-tra/").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
