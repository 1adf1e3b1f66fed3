"""The back office in a browser: an officer logs in with TOTP, receives an online dossier after a
supplement, a specialist appraises, a leader approves and issues the signed result, the citizen
downloads it and the public page verifies it."""

from __future__ import annotations

import re

import pytest

from motcua.dossiers.models import Dossier, Status
from tests.dossiers.files import pdf_bytes, upload
from tests.e2e.conftest import SCREENSHOTS


@pytest.fixture
def world(settings, demo_catalog, tmp_path, monkeypatch):
    from django.core.cache import cache

    from motcua.accounts.demo import build_demo_users
    from motcua.accounts.demo_otp import ensure_demo_totp
    from motcua.registers.demo import ensure_fixed_people

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("MOTCUA_SIGNING_DIR", str(tmp_path / "signing"))
    cache.clear()
    ensure_fixed_people()
    build_demo_users()
    ensure_demo_totp()


@pytest.fixture
def submitted(world):
    """Trần Thị Bình's online birth registration, filed as in test_submit_journey."""
    from motcua.accounts.models import User
    from motcua.catalog.selectors import get_current_version
    from motcua.dossiers import services
    from motcua.org.models import Agency

    citizen = User.objects.get(personal_id="080195000002")
    version = get_current_version("1.001193")
    dossier, _ = services.start_draft(version=version, applicant=citizen)
    answers = {
        "nguoi_yeu_cau_ho_ten": "Trần Thị Bình",
        "nguoi_yeu_cau_so_dinh_danh": "080195000002",
        "nguoi_yeu_cau_noi_cu_tru": {"province": "80", "commune": "25522", "detail": "Ấp Thạnh Hiệp"},
        "nguoi_yeu_cau_dien_thoai": "0912345678",
        "quan_he_voi_tre": "me",
        "tre_ho_ten": "Lê Minh Khang",
        "tre_gioi_tinh": "nam",
        "tre_ngay_sinh": "2026-11-20",
        "tre_noi_sinh": "Trung tâm Y tế Tân Châu",
        "tre_dan_toc": "Kinh",
        "tre_que_quan": "Xã Tân Đông, Tỉnh Tây Ninh",
        "cha_me_da_ket_hon": "co",
    }
    services.save_answers(dossier=dossier, answers=answers)
    services.add_attachment(
        dossier=dossier,
        document_code="giay-chung-sinh",
        uploaded=upload("gcs.pdf", pdf_bytes()),
        actor=citizen,
    )
    services.set_receiving_agency(dossier=dossier, agency=Agency.objects.get(code="001.08.40.H53"))
    services.choose_payment(dossier=dossier, at_desk=True)
    return services.submit(dossier=dossier, actor=citizen)


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _next_code(username):
    """The demo TOTP code for the officer's next login. django-otp refuses a time step already
    used (replay protection): an officer logging in twice within 30 seconds gets the next step's
    code, which the one-step tolerance accepts."""
    import time

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from motcua.accounts.demo_otp import demo_code

    device = TOTPDevice.objects.filter(user__username=username).first()
    if device is not None and device.last_t >= int(time.time() - device.t0) // device.step:
        return demo_code(at=device.t0 + (device.last_t + 1) * device.step)
    return demo_code()


def officer_login(page, base, username):
    page.context.clear_cookies()
    page.goto(base + "/mot-cua/dang-nhap/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("demo12345")
    page.locator("#officer-login button[type=submit]").click()
    page.wait_for_url(re.compile(r"/mot-cua/dang-nhap/ma-xac-thuc/"))
    page.locator("input[name=code]").fill(_next_code(username))
    page.locator("#officer-otp button[type=submit]").click()
    page.wait_for_url(re.compile(r"/mot-cua/(\?.*)?$"))


def act(page, action, **fields):
    page.locator(f"details:has(button[data-action={action}]) summary").click()
    form = page.locator(f"form:has(button[data-action={action}])")
    for name, value in fields.items():
        target = form.locator(f"[name={name}]")
        if target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)
    form.locator(f"button[data-action={action}]").click()
    page.wait_for_load_state()


def test_from_reception_to_verified_signed_result(live_server, browser, submitted, axe_audit, tmp_path):
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20_000)

    # The desk officer logs in with password and TOTP, finds the dossier waiting for reception.
    officer_login(page, base, "canbo.tandong")
    assert submitted.code in page.locator("table").inner_text()
    assert axe_audit(page) == []
    shot(page, "desk-queue")
    page.get_by_role("link", name=submitted.code).click()
    act(page, "request_supplement", items="Giấy chứng sinh bản rõ nét", reason="Ảnh giấy chứng sinh bị mờ")
    assert Dossier.objects.get(pk=submitted.pk).status == Status.SUPPLEMENT_REQUESTED
    shot(page, "desk-dossier")

    # The citizen adds the document.
    citizen = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    cpage = citizen.new_page()
    cpage.goto(base + "/tai-khoan/dang-nhap/")
    cpage.locator("input[name=username]").fill("080195000002")
    cpage.locator("input[name=password]").fill("demo12345")
    cpage.locator("form:has(input[name=password]) button[type=submit]").click()
    cpage.wait_for_load_state()
    cpage.goto(base + f"/ho-so/{submitted.pk}/")
    assert "Giấy chứng sinh bản rõ nét" in cpage.locator("#supplement").inner_text()
    pdf = tmp_path / "ro-net.pdf"
    pdf.write_bytes(pdf_bytes(2))
    cpage.locator("#sup_giay-chung-sinh").set_input_files(str(pdf))
    cpage.locator("#supplement button[type=submit]").click()
    cpage.wait_for_load_state()
    assert Dossier.objects.get(pk=submitted.pk).status == Status.SUBMITTED

    # Reception, then to the specialist.
    page.reload()
    act(page, "receive")
    act(page, "forward", to_user=str(_user("chuyenvien.tandong").pk))
    officer_login(page, base, "chuyenvien.tandong")
    page.goto(base + f"/mot-cua/ho-so/{submitted.pk}/")
    act(page, "forward", reason="Hồ sơ đầy đủ, đủ điều kiện đăng ký khai sinh.")
    # The leader approves and issues the signed result.
    officer_login(page, base, "lanhdao.tandong")
    page.goto(base + f"/mot-cua/ho-so/{submitted.pk}/")
    act(page, "approve", reason="Đồng ý")
    act(page, "issue_result")
    done = Dossier.objects.get(pk=submitted.pk)
    assert done.status == Status.RESOLVED, page.locator("main").inner_text()[:500]

    # The citizen downloads the signed result; the public page verifies it.
    cpage.goto(base + f"/ho-so/{submitted.pk}/")
    href = cpage.locator("#result-link").get_attribute("href")
    response = cpage.context.request.get(base + href)
    assert response.ok and response.body().startswith(b"%PDF")
    from motcua.results.models import Result

    result = Result.objects.get(dossier=done)
    cpage.context.clear_cookies()
    cpage.goto(base + f"/xac-thuc/{result.verification_token}/")
    text = cpage.locator("main").inner_text()
    assert "hợp lệ" in text.lower() and "Trần Thị Bình" not in text
    assert axe_audit(cpage) == []
    shot(cpage, "result-verified")
    citizen.close()
    context.close()


def _user(username):
    from motcua.accounts.models import User

    return User.objects.get(username=username)
