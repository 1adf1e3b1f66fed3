"""A citizen finds a procedure without typing accents, reads it, sees the due date, switches to English."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from motcua.catalog import selectors
from tests.e2e.conftest import SCREENSHOTS


def test_find_birth_registration_without_diacritics(live_server, page, demo_catalog, axe_audit):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert axe_audit(page) == []

    page.get_by_label("Tìm thủ tục").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.wait_for_url(re.compile(r"/thu-tuc/\?q="))
    first = page.locator("ol.results li a.result-title").first
    assert first.inner_text().strip() in ("Thủ tục đăng ký khai sinh", "Đăng ký khai sinh")
    assert axe_audit(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "catalog-search.png"), full_page=True)

    first.click()
    page.wait_for_url(re.compile(r"/thu-tuc/\d\.\d{6}/$"))
    code = page.url.rstrip("/").rsplit("/", 1)[-1]
    version = selectors.get_current_version(code)
    # The page states the due date the calendar gives for a dossier received now.
    due_attr = page.locator("#due-date").get_attribute("data-due")
    shown = dt.datetime.fromisoformat(due_attr)
    expected = selectors.due_if_submitted(version, timezone.now(), online=True)
    assert abs(shown - expected) <= dt.timedelta(minutes=5) or shown.date() == expected.date()
    local = timezone.localtime(expected)
    assert local.strftime("%d/%m/%Y") in page.locator("#due-date").inner_text()
    assert axe_audit(page) == []
    page.screenshot(path=str(SCREENSHOTS / "procedure-page.png"), full_page=True)

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_text("If you submit now").is_visible()
    assert axe_audit(page) == []


def test_catalog_works_without_javascript(live_server, browser, demo_catalog):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + "/thu-tuc/?q=DANG+KY+KET+HON")
    first = page.locator("ol.results li a.result-title").first
    assert first.inner_text().strip() == "Thủ tục đăng ký kết hôn"
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    context.close()
