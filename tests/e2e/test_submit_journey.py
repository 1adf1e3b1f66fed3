"""Trần Thị Bình registers her baby's birth online by herself, on a phone:
VNeID login → prefilled e-form → PDF upload → pays for a copy in the sandbox → submits →
downloads the receipt → finds the dossier by code and PIN."""

from __future__ import annotations

import re

import pytest

from motcua.dossiers.models import Dossier, PaymentState, Status
from tests.accounts.conftest import EidProvider
from tests.dossiers.files import pdf_bytes
from tests.e2e.conftest import SCREENSHOTS


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    provider = EidProvider(tmp_path_factory.mktemp("eid_provider_journey"))
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def world(settings, provider, demo_catalog, tmp_path):
    from django.core.cache import cache

    from motcua.registers.demo import ensure_fixed_people

    for name, value in provider.rp_settings().items():
        setattr(settings, name, value)
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    ensure_fixed_people()
    return provider


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_birth_registration_online_by_the_mother(live_server, page, world, axe_audit, tmp_path):
    page.goto(live_server.url + "/thu-tuc/1.001193/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()

    # Not logged in yet: log in with VNeID (the test provider, another process).
    page.locator("#vneid-login").click()
    page.wait_for_url(re.compile(re.escape(world.base_url) + r"/dang-nhap/"))
    page.get_by_label("Số định danh cá nhân").fill("080195000002")
    page.get_by_label("Mật khẩu").fill("demo12345")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/nop-ho-so/1.001193/")
    shot(page, "submit-start")
    page.get_by_role("button", name="Bắt đầu").click()

    # Step 1: her own details come from the national population database.
    page.wait_for_url(re.compile(r"/ho-so/\d+/buoc/0/$"))
    body = page.locator("main").inner_text()
    assert "Trần Thị Bình" in body and "Lấy từ Cơ sở dữ liệu quốc gia về dân cư" in body
    assert axe_audit(page) == []
    shot(page, "submit-step-prefilled")
    page.get_by_label("Mẹ", exact=True).check()
    page.get_by_role("button", name="Tiếp tục").click()

    # Step 2: the baby.
    page.wait_for_url(re.compile(r"/buoc/1/$"))
    page.locator("input[name=tre_ho_ten]").fill("Lê Minh Khang")
    page.get_by_label("Nam", exact=True).check()
    page.locator("input[name=tre_ngay_sinh]").fill("20/11/2026")
    page.locator("input[name=tre_noi_sinh]").fill("Trung tâm Y tế Tân Châu")
    page.locator("input[name=tre_dan_toc]").fill("Kinh")
    page.locator("input[name=tre_que_quan]").fill("Xã Tân Đông, Tỉnh Tây Ninh")
    page.get_by_role("button", name="Tiếp tục").click()

    # Step 3: the father is her husband in the register — prefilled, not asked again.
    page.wait_for_url(re.compile(r"/buoc/2/$"))
    assert "Lê Văn Cường" in page.locator("main").inner_text()
    shot(page, "submit-step-parents")
    page.get_by_label("Đã đăng ký kết hôn").check()
    page.get_by_role("button", name="Tiếp tục").click()

    # Step 4: the birth certificate from the hospital, and one extra copy (8.000 đ).
    page.wait_for_url(re.compile(r"/buoc/3/$"))
    pdf = tmp_path / "giay-chung-sinh.pdf"
    pdf.write_bytes(pdf_bytes())
    page.locator("input[name=doc_giay-chung-sinh]").set_input_files(str(pdf))
    page.locator("input[name=nhan_ban_sao]").fill("1")
    page.get_by_role("button", name="Tiếp tục").click()

    # Check your answers, choose the receiving centre, pay online in the sandbox.
    page.wait_for_url(re.compile(r"/kiem-tra/$"))
    assert "8.000 đ" in page.locator("main").inner_text()
    assert axe_audit(page) == []
    shot(page, "submit-review")
    page.locator("#receiving_agency").select_option(label="Trung tâm Phục vụ hành chính công xã Tân Đông")
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.wait_for_url(re.compile(r"/thanh-toan/sandbox/"))
    shot(page, "payment-sandbox")
    page.get_by_role("button", name="Thanh toán thành công").click()
    page.wait_for_url(re.compile(r"/kiem-tra/$"))
    assert "Đã thanh toán trực tuyến" in page.locator("main").inner_text()
    page.get_by_role("button", name="Nộp hồ sơ").click()

    # Confirmation: code, PIN, due date, receipt.
    page.wait_for_url(re.compile(r"/da-nop/$"))
    code = page.locator("#dossier-code").inner_text().strip()
    pin = page.locator("#dossier-pin").inner_text().strip()
    dossier = Dossier.objects.get(code=code)
    assert (
        dossier.status == Status.SUBMITTED
        and dossier.payment_state == PaymentState.PAID
        and dossier.paid_online
    )
    assert dossier.fee_amount == 8000 and dossier.eid_verified and not dossier.assisted
    assert code.startswith("001.") and dossier.prefilled_fields
    assert axe_audit(page) == []
    shot(page, "submit-done")
    receipt = page.context.request.get(live_server.url + page.locator("#receipt-link").get_attribute("href"))
    assert (
        receipt.ok
        and receipt.headers["content-type"] == "application/pdf"
        and receipt.body().startswith(b"%PDF")
    )

    # Anyone with the code and PIN can follow it, without seeing personal data.
    page.context.clear_cookies()
    page.goto(live_server.url + "/tra-cuu/")
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_label("Mã PIN").fill(pin)
    page.get_by_role("button", name="Tra cứu").click()
    assert page.locator("#track-status").inner_text().strip() == "Chờ tiếp nhận"
    assert "Trần Thị Bình" not in page.locator("main").inner_text()
    assert axe_audit(page) == []
    shot(page, "tracking")
