"""Filing and submitting a whole dossier in one multipart request (the mobile app on a weak line)."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.accounts.api_auth import issue_token
from motcua.dossiers.models import Attachment, Dossier, PaymentState, Status
from motcua.notifications.models import Notification
from tests.dossiers.files import image_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db

ANSWERS = {"ho_ten": "Trần Thị Bình", "ngay_sinh": "1995-03-12", "ten_tre": "Nguyễn Minh Khang"}


@pytest.fixture
def api(client, citizen):
    raw, _ = issue_token(user=citizen, name="test")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def send(api, *, key="k-1", answers=ANSWERS, agency="001.08.40.H53", payment="at_desk", files=None, **extra):
    form = {"procedure_code": "1.001193", "answers": json.dumps(answers), "receiving_agency": agency}
    if payment is not None:
        form["payment"] = payment
    if files is None:
        files = {"documents.giay-chung-sinh": upload("giay-chung-sinh.pdf", pdf_bytes(), "application/pdf")}
    form.update(files)
    form.update(extra)
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post("/api/v1/submissions", form, **headers)


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def paths(response) -> set[str]:
    return {e["path"] for e in response.json()["errors"]}


def test_one_request_files_and_submits_the_dossier(api, version, citizen):
    response = send(api)
    assert response.status_code == 201, response.content
    body = response.json()
    dossier = Dossier.objects.get()
    assert body["id"] == dossier.pk and body["status"] == Status.SUBMITTED == dossier.status
    assert body["code"].startswith("001.08.40.H53-") and body["pin"] == dossier.tracking_pin
    assert dossier.applicant == citizen and dossier.submitted_at and dossier.due_at
    assert (
        dossier.receiving_agency.code == "001.08.40.H53" and dossier.competent_agency.code == "000.08.40.H53"
    )
    assert dossier.form_data == ANSWERS
    assert (dossier.fee_amount, dossier.payment_state) == (5000, PaymentState.AT_DESK)
    assert [a["document_code"] for a in body["attachments"]] == ["giay-chung-sinh"]
    assert dossier.attachments.get().content_type == "application/pdf"
    assert list(dossier.events.values_list("action", flat=True)) == ["submit"]
    assert Notification.objects.filter(related_id=str(dossier.pk)).count() == 2  # e-mail and SMS
    public = api.get("/api/v1/tracking", {"code": body["code"], "pin": body["pin"]})
    assert public.status_code == 200 and public.json()["status"] == "submitted"


def test_a_retry_with_the_same_key_returns_the_first_dossier_and_its_pin(api, version):
    first = send(api)
    again = send(
        api, files={"documents.giay-chung-sinh": upload("other.pdf", pdf_bytes(2), "application/pdf")}
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["pin"] == first.json()["pin"]
    assert Dossier.objects.count() == 1 and Attachment.objects.count() == 1


def test_the_key_of_a_draft_started_step_by_step_is_refused(api, version):
    created = api.post(
        "/api/v1/dossiers",
        {"procedure_code": "1.001193"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert created.status_code == 201
    response = send(api, key="k-1")
    assert response.status_code == 409 and paths(response) == {"Idempotency-Key"}
    assert Dossier.objects.get().status == Status.DRAFT


def test_every_problem_comes_back_at_once_and_nothing_is_kept(api, version, settings):
    response = send(
        api,
        answers={"ho_ten": "Trần Thị Bình", "ngay_sinh": "1995-02-30", "hacker": "x"},
        agency="000.08.40.H53",  # a People's Committee, not a one-stop centre
        payment="",
        files={
            "documents.giay-to-la": upload("x.pdf", pdf_bytes(), "application/pdf"),
        },
    )
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert paths(response) == {
        "answers.ngay_sinh",
        "answers.hacker",
        "answers.ten_tre",
        "documents.giay-to-la",
        "documents.giay-chung-sinh",
        "receiving_agency",
        "payment",
    }
    messages = {e["path"]: e["message"] for e in response.json()["errors"]}
    assert messages["documents.giay-chung-sinh"] == "Hãy đính kèm giấy tờ này."
    assert Dossier.objects.count() == 0 and Attachment.objects.count() == 0 and not stored_files(settings)


def test_a_forged_or_damaged_file_is_refused_next_to_its_document(api, version, settings):
    forged = send(api, files={"documents.giay-chung-sinh": upload("x.pdf", b"GIF89a....", "application/pdf")})
    assert forged.status_code == 422 and paths(forged) == {"documents.giay-chung-sinh"}
    damaged = send(
        api, files={"documents.giay-chung-sinh": upload("x.pdf", b"%PDF-1.4\nbroken", "application/pdf")}
    )
    assert damaged.status_code == 422 and paths(damaged) == {"documents.giay-chung-sinh"}
    assert Dossier.objects.count() == 0 and not stored_files(settings)


def test_a_photo_is_accepted_as_a_document(api, version):
    response = send(
        api, files={"documents.giay-chung-sinh": upload("anh.jpg", image_bytes("JPEG"), "image/jpeg")}
    )
    assert response.status_code == 201 and response.json()["attachments"][0]["content_type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("field", "value"),
    [("answers", "not json"), ("answers", "[1, 2]"), ("payment", "online")],
)
def test_a_malformed_part_is_named(api, version, field, value):
    form = {"procedure_code": "1.001193", "answers": json.dumps(ANSWERS), "payment": "at_desk", field: value}
    form["documents.giay-chung-sinh"] = upload("x.pdf", pdf_bytes(), "application/pdf")
    response = api.post("/api/v1/submissions", form, HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 422 and field in paths(response)
    assert Dossier.objects.count() == 0


def test_a_file_part_must_name_its_document_and_come_once(api, version):
    misnamed = send(api, files={"file": upload("x.pdf", pdf_bytes(), "application/pdf")})
    assert misnamed.status_code == 422 and "file" in paths(misnamed)
    twice = send(
        api,
        files={
            "documents.giay-chung-sinh": [
                upload("a.pdf", pdf_bytes(), "application/pdf"),
                upload("b.pdf", pdf_bytes(2), "application/pdf"),
            ]
        },
    )
    assert twice.status_code == 422 and paths(twice) == {"documents.giay-chung-sinh"}
    assert Dossier.objects.count() == 0


def test_without_a_key_token_or_known_procedure(api, client, version):
    assert send(api, key="").status_code == 400
    unknown = send(api, procedure_code="9.999999")
    assert unknown.status_code == 422 and paths(unknown) == {"procedure_code"}
    anonymous = client.post(
        "/api/v1/submissions", {"procedure_code": "1.001193"}, HTTP_AUTHORIZATION="", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert anonymous.status_code == 401


def test_a_procedure_for_verified_accounts_is_forbidden_to_others(api, version, citizen):
    from motcua.catalog.models import ProcedureVersion

    ProcedureVersion.objects.filter(pk=version.pk).update(min_assurance_level=2)
    citizen.assurance_level = 1
    citizen.save(update_fields=["assurance_level"])
    assert send(api).status_code == 403 and Dossier.objects.count() == 0


def test_register_values_win_over_the_answers(api, version, citizen, tree):
    from motcua.registers.models import Resident

    Resident.objects.create(
        personal_id=citizen.personal_id,
        full_name="Trần Thị Bình",
        birth_date=dt.date(1995, 3, 12),
        sex="nu",
        permanent_province="80",
        permanent_commune="27730",
        current_province="80",
        current_commune="27730",
    )
    response = send(api, answers={**ANSWERS, "ho_ten": "Tên khác", "ngay_sinh": "2001-01-01"})
    assert response.status_code == 201, response.content
    dossier = Dossier.objects.get()
    assert dossier.form_data["ho_ten"] == "Trần Thị Bình" and dossier.form_data["ngay_sinh"] == "1995-03-12"
    assert {"ho_ten", "ngay_sinh"} <= set(dossier.prefilled_fields)


def test_a_refusal_at_the_last_check_keeps_nothing_not_even_the_files(api, version, settings, monkeypatch):
    from motcua.dossiers import services

    monkeypatch.setattr(services, "SUBMISSION_CHECKS", [lambda dossier: {"": ["Stage check refused"]}])
    response = send(api)
    assert response.status_code == 422 and "Stage check refused" in response.content.decode()
    assert Dossier.objects.count() == 0 and Attachment.objects.count() == 0 and not stored_files(settings)


def test_one_request_stays_a_fixed_number_of_queries(api, version):
    send(api, key="warm")  # first use reads the units and the settings the later ones share
    with CaptureQueriesContext(connection) as ctx:
        response = send(api, key="k-2")
    assert response.status_code == 201
    # Token, procedure (its documents and fees shared per generation), key, register (2), agency,
    # the dossier and its file, the transition
    # (lock, checks, code, calendar, event, two notifications) and the answer. A loop over
    # documents or fields would add queries per item. Savepoints are not counted: inside the
    # test's transaction every atomic block adds two.
    statements = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) <= 25, "\n".join(sql[:100] for sql in statements)


def test_a_centre_out_of_todays_numbers_is_named_and_nothing_is_kept(api, version, tree, settings):
    from django.utils import timezone

    from motcua.dossiers.models import DossierCodeSequence

    DossierCodeSequence.objects.create(agency=tree["one_stop"], day=timezone.localdate(), last=9999)
    response = send(api)
    assert response.status_code == 422 and paths(response) == {"receiving_agency"}
    assert "9.999" in response.content.decode() or "9,999" in response.content.decode()
    assert Dossier.objects.count() == 0 and not stored_files(settings)
    assert DossierCodeSequence.objects.get().last == 9999  # the failed attempt took no number


def test_files_together_over_the_dossier_limit_are_refused(api, version, settings, monkeypatch):
    from motcua.dossiers import conf

    monkeypatch.setattr(conf, "MAX_DOSSIER_BYTES", len(pdf_bytes()) - 1)
    response = send(api)
    assert response.status_code == 422 and paths(response) == {""}
    assert Dossier.objects.count() == 0 and not stored_files(settings)
