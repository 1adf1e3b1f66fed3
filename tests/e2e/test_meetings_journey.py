"""Paperless meeting in a browser: the organiser creates a meeting, uploads documents and prints
slips; a delegate opens the slip's QR URL on a phone, reads a watermarked document (checked in by
the scan) and votes; a youth-union helper signs a second delegate in; at the end access is gone."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from motcua.meetings.models import AccessEvent, Ballot, Delegate, Meeting
from tests.dossiers.files import pdf_bytes
from tests.e2e.conftest import SCREENSHOTS


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    from django.core.cache import cache

    from motcua.meetings.demo import build_demo
    from motcua.org.demo import build_demo_agencies
    from motcua.org.services import load_units

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_MEETINGS_ROOT = str(tmp_path / "meetings")
    cache.clear()
    load_units()
    build_demo_agencies()
    build_demo()


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def officer_login(page, base, username, then):
    from motcua.accounts.demo_otp import demo_code

    page.goto(base + "/mot-cua/dang-nhap/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("demo12345")
    page.locator("#officer-login button[type=submit]").click()
    page.wait_for_url(re.compile(r"/mot-cua/dang-nhap/ma-xac-thuc/"))
    page.locator("input[name=code]").fill(demo_code())
    page.locator("#officer-otp button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(base + then)


def local(moment: dt.datetime) -> str:
    from motcua.core.calendar import OFFICE_TZ

    return moment.astimezone(OFFICE_TZ).strftime("%Y-%m-%dT%H:%M")


def test_paperless_meeting_journey(live_server, browser, world, axe_audit, tmp_path, monkeypatch):
    from django.utils import timezone

    from motcua.meetings import pdf as meeting_pdf

    base = live_server.url
    qr_urls: list[str] = []
    original_qr = meeting_pdf.qr_data_uri

    def capture(text):
        qr_urls.append(text)  # what a phone camera would read from the printed QR
        return original_qr(text)

    monkeypatch.setattr(meeting_pdf, "qr_data_uri", capture)
    monkeypatch.setattr("django.conf.settings.MOTCUA_PUBLIC_URL", base, raising=False)

    # --- The organiser creates the meeting and uploads documents.
    office = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True
    )
    org = office.new_page()
    org.set_default_timeout(20_000)
    officer_login(org, base, "hop.tinh", "/hop/quan-ly/")
    assert axe_audit(org) == []
    shot(org, "meetings-organiser-list")
    now = timezone.now()
    org.locator("#id_title").fill("Phiên họp thường kỳ UBND tỉnh tháng 12")
    org.locator("#id_body").select_option("peoples_committee")
    org.locator("#id_place").fill("Phòng họp số 1, UBND tỉnh")
    org.locator("#id_starts_at").fill(local(now + dt.timedelta(minutes=30)))
    org.locator("#id_ends_at").fill(local(now + dt.timedelta(hours=4)))
    org.locator("#id_access_hours_after_end").fill("2")
    org.get_by_role("button", name="Tạo cuộc họp").click()
    org.wait_for_url(re.compile(r"/hop/quan-ly/H\w+/"))
    meeting = Meeting.objects.get(title="Phiên họp thường kỳ UBND tỉnh tháng 12")

    org.locator("#agenda summary").click()
    org.locator("#agenda input[name=title]").fill("Kế hoạch đầu tư công năm 2027")
    org.locator("#add-item").click()
    org.wait_for_load_state()
    for name in ("Nguyễn Văn Hùng", "Huỳnh Văn Sáu"):
        org.locator("#delegates summary").click()
        org.locator("#delegates input[name=full_name]").fill(name)
        org.locator("#add-delegate").click()
        org.wait_for_load_state()

    def upload(title, classification, pages):
        path = tmp_path / f"{classification}.pdf"
        path.write_bytes(pdf_bytes(pages))
        if not org.locator("#documents > details").evaluate("d => d.open"):
            org.locator("#documents > details > summary").click()
        form = org.locator("#upload-form")
        form.locator("input[name=title]").fill(title)
        form.locator("select[name=classification]").select_option(classification)
        form.locator("input[name=file]").set_input_files(str(path))
        form.locator("button[type=submit]").click()
        org.wait_for_load_state()

    # A secret document is refused with the reason, beside the field.
    upload("Báo cáo mật", "mat", 1)
    assert "bí mật nhà nước" in org.locator("#upload-form").inner_text()
    shot(org, "meetings-secret-refused")
    upload("Chương trình phiên họp", "public", 1)
    upload("Tờ trình kế hoạch đầu tư công", "internal", 2)
    assert axe_audit(org) == []
    shot(org, "meetings-organiser-meeting")

    # Slips are printed: each carries a QR (one-time token) and a typed code.
    with org.expect_download() as download:
        org.locator("#print-slips").click()
    slips = PdfReader(download.value.path())
    text = "\n".join(p.extract_text() for p in slips.pages)
    codes = re.findall(r"\b[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}\b", text)
    assert len(codes) == 2 and len(qr_urls) == 2
    order = list(meeting.delegates.values_list("full_name", flat=True))  # slips follow this order
    qr_of = dict(zip(order, qr_urls, strict=True))
    code_of = dict(zip(order, codes, strict=True))

    # --- Delegate 1 scans the QR on a phone: checked in, lands on a clean URL.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    delegate_page = phone.new_page()
    delegate_page.set_default_timeout(20_000)
    delegate_page.goto(qr_of["Nguyễn Văn Hùng"])
    assert delegate_page.url == f"{base}/hop/{meeting.code}/"
    assert "Nguyễn Văn Hùng" in delegate_page.content()
    assert "Đã điểm danh" in delegate_page.content()
    assert axe_audit(delegate_page) == []
    shot(delegate_page, "meetings-delegate")
    href = delegate_page.get_by_role("link", name="Tờ trình kế hoạch đầu tư công").get_attribute("href")
    document = delegate_page.request.get(base + href)
    assert document.headers["content-type"] == "application/pdf"
    stamped = PdfReader(io.BytesIO(document.body()))
    assert all("Nguyễn Văn Hùng" in p.extract_text() for p in stamped.pages)
    assert AccessEvent.objects.filter(action="opened", delegate__full_name="Nguyễn Văn Hùng").count() == 1
    # The QR cannot be used again.
    other = browser.new_context(locale="vi-VN").new_page()
    other.goto(qr_of["Nguyễn Văn Hùng"])
    assert "đã được sử dụng" in other.content()

    # --- The organiser opens a vote; the delegate votes.
    org.reload()
    assert "1/2 đại biểu đã mở phiên bản 1" in org.content()
    org.locator("#votes summary").click()
    org.locator("#votes input[name=question]").fill("Thông qua kế hoạch đầu tư công năm 2027")
    org.locator("#votes form[action$='/bieu-quyet/'] button[type=submit]").click()
    org.wait_for_load_state()
    org.get_by_role("button", name="Mở biểu quyết").click()
    org.wait_for_load_state()
    delegate_page.reload()
    delegate_page.get_by_label("Tán thành", exact=True).check()
    delegate_page.get_by_role("button", name="Biểu quyết").click()
    delegate_page.wait_for_load_state()
    assert "Biểu quyết của bạn đã được ghi nhận." in delegate_page.content()
    shot(delegate_page, "meetings-delegate-voted")

    # --- A youth-union helper signs in the second delegate, who cannot manage the phone.
    helper_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    helper = helper_context.new_page()
    helper.set_default_timeout(20_000)
    officer_login(helper, base, "doanvien.tinh", "/hop/ho-tro/")
    assert axe_audit(helper) == []
    shot(helper, "meetings-helper")
    helper.locator("input[name=code]").fill(code_of["Huỳnh Văn Sáu"].lower())
    helper.locator("input[name=consent]").check()
    helper.get_by_role("button", name="Đăng nhập cho đại biểu").click()
    helper.wait_for_url(f"{base}/hop/{meeting.code}/")
    assert "Lý Minh Tuấn" in helper.content() and "Huỳnh Văn Sáu" in helper.content()
    helper.get_by_label("Tán thành", exact=True).check()
    helper.get_by_role("button", name="Biểu quyết").click()
    helper.wait_for_load_state()
    assert axe_audit(helper) == []
    shot(helper, "meetings-helper-delegate")
    second = Delegate.objects.get(meeting=meeting, full_name="Huỳnh Văn Sáu")
    assert (
        second.check_in_method == Delegate.CheckIn.ASSISTED and second.assisted_by.username == "doanvien.tinh"
    )
    assert Ballot.objects.get(cast_by=second).assisted_by.username == "doanvien.tinh"

    # --- Attendance and the results, then the meeting ends.
    org.reload()
    assert "2/2 thành viên có mặt" in org.content()
    org.get_by_role("button", name="Kết thúc biểu quyết").click()
    org.wait_for_load_state()
    shot(org, "meetings-organiser-results")
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=6), ends_at=timezone.now() - dt.timedelta(hours=3)
    )
    delegate_page.goto(f"{base}/hop/{meeting.code}/")
    assert "Cuộc họp đã kết thúc, tài liệu đã được thu hồi." in delegate_page.content()
    again = delegate_page.request.get(base + href)
    assert again.status == 403
    shot(delegate_page, "meetings-recalled")
    for context in (office, phone, helper_context, other.context):
        context.close()
