"""A citizen logs in with VNeID in a real browser: motcua (live server) → the demo VNeID
provider (its own process, another port) → back to motcua, logged in with a level-2 account."""

from __future__ import annotations

import re

import pytest

from motcua.accounts.models import User
from tests.accounts.conftest import EidProvider
from tests.e2e.conftest import SCREENSHOTS


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    provider = EidProvider(tmp_path_factory.mktemp("eid_provider_e2e"))
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def rp(settings, provider, transactional_db):
    from django.core.cache import cache

    for name, value in provider.rp_settings().items():
        setattr(settings, name, value)
    cache.clear()
    return provider


def test_log_in_with_vneid_and_come_back_level_2(live_server, page, rp, axe_audit):
    from tests.factories import CitizenFactory

    # Nguyễn Văn An signed up with a password (level 1); VNeID upgrades his account.
    citizen = CitizenFactory(personal_id="072090000001", full_name="Nguyen Van An", assurance_level=1)

    page.goto(live_server.url + "/tai-khoan/dang-nhap/?next=/thu-tuc/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert axe_audit(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "login.png"), full_page=True)

    page.locator("#vneid-login").click()
    page.wait_for_url(re.compile(re.escape(rp.base_url) + r"/dang-nhap/"))
    assert "MÔI TRƯỜNG THỬ NGHIỆM" in page.locator(".test-banner").inner_text()
    assert page.locator(".who strong").inner_text() == "Cổng Dịch vụ công tỉnh Tây Ninh (thử nghiệm)"
    assert axe_audit(page) == []
    page.screenshot(path=str(SCREENSHOTS / "vneid-login.png"), full_page=True)

    page.get_by_label("Số định danh cá nhân").fill("072 090 000 001")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.locator("#login-error").is_visible()

    page.get_by_label("Mật khẩu").fill("demo12345")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/thu-tuc/")
    assert page.locator(".main-nav .who").inner_text().strip() == "Nguyễn Văn An"

    citizen.refresh_from_db()
    assert citizen.assurance_level == User.AssuranceLevel.EID_VERIFIED


def test_sign_up_errors_are_accessible(live_server, page, transactional_db, axe_audit):
    page.goto(live_server.url + "/tai-khoan/dang-ky/")
    assert axe_audit(page) == []
    page.locator("#signup-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#id_personal_id[aria-invalid=true]").count() == 1
    assert axe_audit(page) == []
    page.screenshot(path=str(SCREENSHOTS / "signup-errors.png"), full_page=True)


def test_vneid_login_works_without_javascript(live_server, browser, rp):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + "/tai-khoan/dang-nhap/")
    page.locator("#vneid-login").click()
    page.get_by_label("Số định danh cá nhân").fill("080195000002")
    page.get_by_label("Mật khẩu").fill("demo12345")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/")
    assert page.locator(".main-nav .who").inner_text().strip() == "Trần Thị Bình"
    assert User.objects.get(personal_id="080195000002").assurance_level == 2
    context.close()
