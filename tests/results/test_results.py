"""Issuing, storing, downloading, verifying and revoking results."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from motcua.results import selectors, services, signing
from motcua.results.models import Result

NOT_FOUND = (
    "Không tìm thấy văn bản với mã xác thực này. Kiểm tra lại đường dẫn hoặc mã QR.",
    "No document matches this verification code. Check the link or the QR code.",  # before the .po merge
)


def _stored_pdf(result: Result) -> bytes:
    with default_storage.open(result.file.name, "rb") as handle:
        return handle.read()


@pytest.mark.django_db
def test_issue_result_makes_a_signed_trusted_pdf(result, dossier, tree):
    pdf = _stored_pdf(result)
    assert pdf.startswith(b"%PDF")
    import hashlib

    assert hashlib.sha256(pdf).hexdigest() == result.sha256
    outcome = signing.verify_pdf(pdf)
    assert outcome.intact and outcome.valid and outcome.trusted, outcome.message
    assert result.number == f"KQ-{dossier.code}"
    assert result.title == (dossier.procedure_version.result_type or dossier.procedure_version.name)
    assert result.signer_agency == tree["commune_pc"]
    assert "UBND tỉnh Tây Ninh (demo)" in result.certificate_subject
    assert len(result.certificate_fingerprint) == 64 and result.certificate_serial
    assert len(result.verification_token) >= 22  # ≥ 128 bits, URL-safe
    assert result.file.name.startswith("results/")
    dossier.refresh_from_db()
    assert dossier.status == "in_progress"  # the lifecycle changes the status, not this service


@pytest.mark.django_db
def test_pdf_content_has_header_answers_and_qr_url(dossier, officer, monkeypatch):
    captured = {}
    real = services.render_result_pdf

    def spy(context, template):
        captured["html"] = template.render(context)
        captured["context"] = context
        return real(context, template)

    monkeypatch.setattr(services, "render_result_pdf", spy)
    result = services.issue_result(dossier=dossier, actor=officer)
    html = captured["html"]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html and "Độc lập - Tự do - Hạnh phúc" in html
    assert "UBND xã Tân Đông" in html and result.number in html and dossier.code in html
    assert "Trần Thị Bình" in html and "Họ và tên trẻ" in html and "Trần Bảo Ngọc" in html
    assert "04/03/1990" in html
    assert captured["context"]["verification_url"].endswith(f"/xac-thuc/{result.verification_token}/")
    assert result.verification_token in html


@pytest.mark.django_db
def test_qr_code_encodes_the_verification_url(dossier, officer, monkeypatch):
    seen = []
    real = services._qr_svg_data_uri
    monkeypatch.setattr(services, "_qr_svg_data_uri", lambda text: seen.append(text) or real(text))
    result = services.issue_result(dossier=dossier, actor=officer)
    assert seen == [f"http://127.0.0.1:8000/xac-thuc/{result.verification_token}/"] or seen[0].endswith(
        f"/xac-thuc/{result.verification_token}/"
    )


@pytest.mark.django_db
def test_issuing_twice_returns_the_first_result(result, dossier, officer):
    assert services.issue_result(dossier=dossier, actor=officer) == result
    assert Result.objects.count() == 1


@pytest.mark.django_db
def test_a_procedure_template_overrides_the_generic_one(dossier, officer, settings, tmp_path):
    folder = tmp_path / "tpl" / "results" / "procedures"
    folder.mkdir(parents=True)
    code = dossier.procedure_version.procedure.code
    (folder / f"{code}.html").write_text("<html><body><h1>MẪU RIÊNG {{ number }}</h1></body></html>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "tpl", *settings.TEMPLATES[0]["DIRS"]]}
    ]
    assert services._template_for(dossier, None).origin.name.endswith(f"{code}.html")


@pytest.mark.django_db
def test_signing_failure_stores_nothing(dossier, officer, monkeypatch, settings):
    def broken(*args, **kwargs):
        raise signing.SigningError("HSM unreachable")

    monkeypatch.setattr(signing, "sign_pdf", broken)
    with pytest.raises(services.ResultError) as exc:
        services.issue_result(dossier=dossier, actor=officer)
    assert "HSM unreachable" in exc.value.message
    assert Result.objects.count() == 0
    results_dir = settings.MEDIA_ROOT / "results"
    assert not results_dir.exists() or not any(p.is_file() for p in results_dir.rglob("*"))


@pytest.mark.django_db
def test_database_failure_removes_the_written_file(dossier, officer, monkeypatch, settings):
    def boom(**kwargs):
        raise RuntimeError("db down")

    monkeypatch.setattr(services.Result.objects, "create", boom)
    with pytest.raises(RuntimeError):
        services.issue_result(dossier=dossier, actor=officer)
    results_dir = settings.MEDIA_ROOT / "results"
    assert not any(p.is_file() for p in results_dir.rglob("*"))


@pytest.mark.django_db
def test_a_dossier_without_code_is_refused(draft, officer):
    with pytest.raises(services.ResultError):
        services.issue_result(dossier=draft, actor=officer)


@pytest.mark.django_db
def test_results_of_lists_valid_results_only(result, citizen, other_citizen, officer):
    assert selectors.results_of(citizen) == [result]
    assert selectors.results_of(other_citizen) == []
    services.revoke_result(result=result, actor=officer, reason="Cấp nhầm")
    assert selectors.results_of(citizen) == []


@pytest.mark.django_db
def test_revoke_is_audited_and_needs_a_reason(result, officer):
    from motcua.core.models import AuditRecord

    with pytest.raises(services.ResultError):
        services.revoke_result(result=result, actor=officer, reason=" ")
    revoked = services.revoke_result(result=result, actor=officer, reason="Sai thông tin")
    assert revoked.revoked_at and revoked.revoked_reason == "Sai thông tin"
    assert AuditRecord.objects.filter(action="results.revoke", object_id=str(result.pk)).exists()
    assert AuditRecord.objects.filter(action="results.issue", object_id=str(result.pk)).exists()
    with pytest.raises(services.ResultError):
        services.revoke_result(result=revoked, actor=officer, reason="again")


# --- public verification ------------------------------------------------------------------


@pytest.mark.django_db
def test_verification_page_shows_facts_and_no_personal_data(client, result, citizen, dossier):
    response = client.get(f"/xac-thuc/{result.verification_token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "UBND xã Tân Đông" in html
    assert result.number in html and result.sha256 in html
    assert result.signed_at.astimezone().strftime("%Y") in html
    assert "UBND tỉnh Tây Ninh (demo)" in html
    for personal in (citizen.full_name, citizen.personal_id, "Trần Bảo Ngọc", citizen.email, citizen.phone):
        assert personal not in html
    assert (
        reverse("results:verify", args=[result.verification_token])
        == f"/xac-thuc/{result.verification_token}/"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["A" * 32, "forged-token-xxxxxxxxxxxxxxxxxx", "short", "bad%20chars"])
def test_unknown_or_forged_token_is_404_with_a_clear_message(client, result, token):
    before = Result.objects.values_list("pk", "revoked_at").get()
    response = client.get(f"/xac-thuc/{token}/")
    assert response.status_code == 404
    assert any(m in response.content.decode() for m in NOT_FOUND)
    assert Result.objects.values_list("pk", "revoked_at").get() == before


@pytest.mark.django_db
def test_guessing_is_rate_limited(client, result, monkeypatch):
    from motcua.results import views

    monkeypatch.setattr(views, "VERIFY_LIMIT", 3)
    for _ in range(3):
        assert client.get("/xac-thuc/" + "B" * 32 + "/").status_code == 404
    assert client.get(f"/xac-thuc/{result.verification_token}/").status_code == 429


@pytest.mark.django_db
def test_revoked_result_shows_revoked(client, result, officer):
    services.revoke_result(result=result, actor=officer, reason="Cấp nhầm cho Trần Thị Bình")
    html = client.get(f"/xac-thuc/{result.verification_token}/").content.decode()
    assert "Văn bản đã bị thu hồi" in html or "Document revoked" in html
    assert "Trần Thị Bình" not in html  # the reason is not public


@pytest.mark.django_db
def test_uploaded_copy_is_checked_against_the_original(client, result):
    pdf = _stored_pdf(result)
    url = f"/xac-thuc/{result.verification_token}/"
    ok = client.post(url, {"file": _upload(pdf)})
    assert ok.status_code == 200 and ok.context["check"]["same"] and ok.context["check"]["signature"].ok
    tampered = bytearray(pdf)
    tampered[300] ^= 0x01
    bad = client.post(url, {"file": _upload(bytes(tampered))})
    assert bad.status_code == 200 and not bad.context["check"]["same"]
    assert not bad.context["check"]["signature"].intact
    missing = client.post(url, {})
    assert missing.status_code == 400


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("ket-qua.pdf", data, content_type="application/pdf")


@pytest.mark.django_db
def test_lookup_redirects_to_the_verification_page(client):
    assert client.get("/xac-thuc/").status_code == 200
    response = client.get("/xac-thuc/", {"ma": "abcdefghijklmnopqrstuv"})
    assert response.status_code == 302 and response["Location"] == "/xac-thuc/abcdefghijklmnopqrstuv/"


# --- download -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_owner_downloads_another_citizen_gets_404(client, result, citizen, other_citizen):
    url = reverse("results:download", args=[result.pk])
    assert client.get(url).status_code == 302  # log in first
    client.force_login(citizen)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == _stored_pdf(result)
    assert result.number in response["Content-Disposition"]
    client.force_login(other_citizen)
    assert client.get(url).status_code == 404


# --- API ----------------------------------------------------------------------------------


def _api_get(client, path):
    from motcua.api.urls import api
    from motcua.results.api import router

    if any(r is router for _, r in getattr(api, "_routers", [])):
        response = client.get("/api/v1" + path)
        return response.status_code, response.json(), response["Content-Type"]
    from ninja.testing import TestClient

    response = TestClient(router).get(path)
    return response.status_code, response.json(), response["Content-Type"]


@pytest.mark.django_db
def test_api_verify(client, result, citizen, officer):
    status, body, _ctype = _api_get(client, f"/results/verify/{result.verification_token}")
    assert status == 200
    assert body["valid"] is True and body["status"] == "valid"
    assert body["number"] == result.number and body["issuer"] == "UBND xã Tân Đông"
    assert body["sha256"] == result.sha256
    text = str(body)
    assert citizen.full_name not in text and citizen.personal_id not in text
    services.revoke_result(result=result, actor=officer, reason="x")
    status, body, _ = _api_get(client, f"/results/verify/{result.verification_token}")
    assert body["valid"] is False and body["status"] == "revoked" and body["revoked_at"]


@pytest.mark.django_db
def test_api_unknown_token_is_problem_json(client):
    status, body, ctype = _api_get(client, "/results/verify/" + "Z" * 32)
    assert status == 404 and ctype.startswith("application/problem+json")
    assert body["status"] == 404 and body["title"] in NOT_FOUND


# --- admin --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_lists_read_only_and_revokes_with_a_reason(client, result):
    from tests.factories import UserFactory

    admin_user = UserFactory(is_staff=True, is_superuser=True, is_officer=True)
    client.force_login(admin_user)
    changelist = reverse("admin:results_result_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(reverse("admin:results_result_change", args=[result.pk])).status_code == 200
    data = {"action": "revoke", "_selected_action": [result.pk]}
    confirm = client.post(changelist, data)
    assert confirm.status_code == 200 and b"reason" in confirm.content
    client.post(changelist, {**data, "apply": "1", "reason": "Cấp nhầm"})
    result.refresh_from_db()
    assert result.revoked_at and result.revoked_reason == "Cấp nhầm"
