"""The review workbench in a browser: a reform officer creates a plan and sets the hourly value, a
community team records what citizens spend, the department answers the assessment and proposes
removing a document and shortening the time, the workbench shows the saving, the plan annex is
exported."""

from __future__ import annotations

import re

import pytest

from motcua.reform.models import Assessment, Observation, Proposal
from tests.e2e.test_backoffice_journey import officer_login, shot


@pytest.fixture
def world(settings, demo_catalog, tmp_path):
    from django.core.cache import cache

    from motcua.reform.demo import build_demo_people
    from motcua.reform.services import load_question_bank

    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    load_question_bank()  # a transactional test database starts without the migration's data
    return build_demo_people()


def test_review_plan_to_annex(live_server, browser, world, axe_audit):
    from motcua.org.models import Agency

    base = live_server.url
    justice = Agency.objects.get(code="000.00.04.H53")
    commune = Agency.objects.get(code="000.08.40.H53")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20_000)

    # 1. The reform officer sets the hourly value (with its source) and creates the 2026 plan.
    officer_login(page, base, "kiemsoat.tinh")
    page.goto(base + "/ra-soat/gia-tri-gio/")
    page.locator("#value_vnd").fill("40000")
    page.locator("#source_date").fill("2025-12-31")
    page.get_by_role("button", name="Lưu").click()
    assert page.locator("#error-source").is_visible()  # no source → refused next to the field
    page.locator("#source").fill("Giá trị minh họa — thay bằng số liệu thống kê chính thức")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/ra-soat/gia-tri-gio/$"))
    page.goto(base + "/ra-soat/")
    page.locator("#new-plan #year").fill("2026")
    page.locator("#new-plan button[type=submit]").click()
    page.wait_for_url(re.compile(r"/ra-soat/ke-hoach/\d+/$"))
    for agency, team in ((justice, "department"), (commune, "community")):
        page.locator("#procedure").fill("1.004873")
        page.locator("#agency").select_option(str(agency.pk))
        page.locator(f"#assign input[name=team][value={team}]").check()
        page.locator("#due_date").fill("2026-12-31")
        page.locator("#assign button[type=submit]").click()
        page.wait_for_url(re.compile(r"/ra-soat/ke-hoach/\d+/$"))
    plan_url = page.url
    assert page.locator("#assignments tbody tr").count() == 2
    assert axe_audit(page) == []
    shot(page, "reform-plan")

    # 2. The community team records what citizens actually spent, on a phone.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    ppage = phone.new_page()
    ppage.set_default_timeout(20_000)
    officer_login(ppage, base, "tocongnghe.tandong")
    ppage.goto(base + "/ra-soat/")
    ppage.get_by_role("link", name="1.004873").click()
    for hours, money, note in (
        ("2", "30000", "Xe máy, hai lượt"),
        ("3", "40000", "Chờ đò"),
        ("6", "120000", "Thuê xe ôm"),
    ):
        ppage.locator("#activity").select_option("travel")
        ppage.locator("#hours").fill(hours)
        ppage.locator("#money_vnd").fill(money)
        ppage.locator("#note").fill(note)
        ppage.locator("#observe button[type=submit]").click()
        ppage.wait_for_load_state()
    ppage.locator("#hours").fill("-1")
    ppage.locator("#observe button[type=submit]").click()
    assert ppage.locator("#error-hours").is_visible()
    assert Observation.objects.count() == 3
    ppage.goto(ppage.url.replace("quan-sat/", ""))
    assert axe_audit(ppage) == []
    shot(ppage, "reform-observations")
    phone.close()

    # 3. The department answers the assessment, computes the cost and proposes the cut.
    officer_login(page, base, "chuyenvien.sotuphap")
    page.goto(base + "/ra-soat/")
    page.get_by_role("link", name="1.004873").click()
    page.get_by_role("button", name="Bắt đầu đánh giá").click()
    page.wait_for_url(re.compile(r"/ra-soat/danh-gia/\d+/$"))
    question = page.locator(
        ".question", has=page.locator("input[name=key][value='R-DOC-DATA|giay-to-tuy-than']")
    )
    question.locator("input[value=yes]").check()
    question.locator("summary").click()
    question.locator("textarea[name^=reason]").fill("Thông tin nhân thân có trong CSDL quốc gia về dân cư")
    question.locator("textarea[name^=proposal]").fill("Bỏ yêu cầu xuất trình giấy tờ tùy thân")
    time_q = page.locator(".question", has=page.locator("input[name=key][value='R-TIME|']"))
    time_q.locator("input[value=no]").check()
    time_q.locator("summary").click()
    time_q.locator("textarea[name^=reason]").fill("Tra cứu điện tử, trả kết quả trong 1 ngày làm việc")
    page.get_by_role("button", name="Lưu câu trả lời").click()
    page.wait_for_url(re.compile(r"/ra-soat/danh-gia/\d+/$"))
    assert axe_audit(page) == []
    shot(page, "reform-assessment")
    page.get_by_role("button", name="Tính chi phí hiện tại từ kết quả khảo sát").click()
    page.wait_for_url(re.compile(r"/chi-phi/before/$"))
    assert page.locator("#hours_travel").input_value() == "2.50"  # lower-average of 2, 3, 6 h (not localised)
    page.locator("#subjects").fill("1200")
    page.locator("#subjects_source").fill("Báo cáo thống kê hộ tịch năm 2025 của Sở Tư pháp")
    page.get_by_role("button", name="Lưu bảng tính chi phí").click()
    page.wait_for_url(re.compile(r"/ra-soat/danh-gia/\d+/$"))
    page.locator("#reasons").fill("Giấy tờ tùy thân đã có trong CSDL dân cư; thời hạn có thể rút ngắn")
    page.locator("#legal_instrument").fill("Sửa đổi Điều 22 Nghị định 123/2015/NĐ-CP (Chính phủ)")
    page.get_by_role("button", name="Dự thảo phiên bản mới").click()
    page.wait_for_url(re.compile(r"/ra-soat/de-xuat/\d+/$"))
    page.locator("#kind").select_option("replace_by_data")
    page.locator("#target").select_option("giay-to-tuy-than")
    page.locator("#data_source").fill("CSDL quốc gia về dân cư")
    page.locator("#reason").fill("Khai thác dữ liệu dân cư thay giấy tờ")
    page.get_by_role("button", name="Áp dụng thay đổi vào bản dự thảo").click()
    page.wait_for_url(re.compile(r"/ra-soat/de-xuat/\d+/$"))
    page.locator("#kind").select_option("shorten_time")
    page.locator("#value").fill("1")
    page.locator("#reason").fill("Tra cứu điện tử")
    page.get_by_role("button", name="Áp dụng thay đổi vào bản dự thảo").click()
    page.wait_for_url(re.compile(r"/ra-soat/de-xuat/\d+/$"))
    page.get_by_role("link", name="Bảng tính chi phí sau đơn giản hóa").click()
    page.locator("#hours_travel").fill("0.5")
    page.locator("#money_travel").fill("0")
    page.get_by_role("button", name="Lưu bảng tính chi phí").click()
    page.wait_for_url(re.compile(r"/ra-soat/de-xuat/\d+/$"))
    proposal = Proposal.objects.get()
    assert proposal.after_version.status == "draft" and proposal.after_version.processing_time == 1
    assert not proposal.after_version.documents.filter(code="giay-to-tuy-than").exists()
    # Travel money is the lower-average of 30,000 / 40,000 / 120,000 = 35,000. Before: 2.5 h × 40,000
    # + 35,000 + 10,000 fee = 145,000; after: 0.5 h × 40,000 + 10,000 = 30,000; saving × 1,200 a year.
    assert page.locator("#yearly-saving").inner_text().startswith("138.000.000")
    assert page.locator("#saving-percent").inner_text() in ("79,31%", "79.31%")
    assert axe_audit(page) == []
    shot(page, "reform-proposal")
    assert Assessment.objects.get().answers.count() == 2

    # 4. The reform officer exports the plan annex.
    officer_login(page, base, "kiemsoat.tinh")
    page.goto(plan_url)
    with page.expect_download() as download:
        page.locator("#exports a[href$='phu-luc.pdf']").click()
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(4) == b"%PDF"
    context.close()
