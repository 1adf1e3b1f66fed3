"""Linked procedures in a browser (Decree 63/2024, group 1): a mother registers her newborn once;
the commune People's Committee registers the birth, then the commune police (permanent
residence) and the provincial social insurance (health-insurance card) act in their own queues;
she follows every agency's step and receives the three signed results."""

from __future__ import annotations

import re

import pytest

from motcua.dossiers.models import Dossier, Status
from motcua.linked.models import StageState
from tests.dossiers.files import pdf_bytes
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_backoffice_journey import act, officer_login


@pytest.fixture
def world(settings, demo_catalog, tmp_path, monkeypatch):
    from django.core.cache import cache

    from motcua.accounts.demo import build_demo_users
    from motcua.accounts.demo_otp import ensure_demo_totp
    from motcua.linked.demo import build_demo
    from motcua.registers.demo import ensure_fixed_people

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("MOTCUA_SIGNING_DIR", str(tmp_path / "signing"))
    cache.clear()
    ensure_fixed_people()
    logins = build_demo_users() + build_demo()
    ensure_demo_totp(usernames=[username for username, _, _ in logins])


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _user(username):
    from motcua.accounts.models import User

    return User.objects.get(username=username)


def _process(page, base, dossier_pk, desk, specialist, leader, *, login=True):
    """Reception → appraisal → approval → signed result, each by its officer in the back office."""
    if login:
        officer_login(page, base, desk)
    else:
        page.goto(base + "/mot-cua/")
    assert Dossier.objects.get(pk=dossier_pk).code in page.locator("main").inner_text()  # in the queue
    page.goto(base + f"/mot-cua/ho-so/{dossier_pk}/")
    act(page, "receive")
    act(page, "forward", to_user=str(_user(specialist).pk))
    if specialist != desk:
        officer_login(page, base, specialist)
        page.goto(base + f"/mot-cua/ho-so/{dossier_pk}/")
    act(page, "forward", reason="Hồ sơ đầy đủ.")
    if leader != specialist:
        officer_login(page, base, leader)
        page.goto(base + f"/mot-cua/ho-so/{dossier_pk}/")
    act(page, "approve", reason="Đồng ý")
    act(page, "issue_result")
    assert Dossier.objects.get(pk=dossier_pk).status == Status.RESOLVED, page.locator("main").inner_text()[
        :600
    ]


def test_a_newborn_registered_once_across_three_agencies(live_server, browser, world, axe_audit, tmp_path):
    base = live_server.url
    mother = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = mother.new_page()
    page.set_default_timeout(20_000)

    # The mother finds the linked procedure and logs in (level 2: verified with VNeID).
    page.goto(base + "/tai-khoan/dang-nhap/")
    page.locator("input[name=username]").fill("080195000002")
    page.locator("input[name=password]").fill("demo12345")
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(base + "/thu-tuc/2.000986/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()
    page.get_by_role("button", name="Bắt đầu").click()

    # One e-form for the three procedures; her details and her husband's come from the register.
    page.wait_for_url(re.compile(r"/ho-so/\d+/buoc/0/$"))
    assert "Trần Thị Bình" in page.locator("main").inner_text()
    page.get_by_label("Mẹ", exact=True).check()
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(re.compile(r"/buoc/1/$"))
    page.locator("input[name=tre_ho_ten]").fill("Lê Bảo Ngọc")
    page.get_by_label("Nữ", exact=True).check()
    page.locator("input[name=tre_ngay_sinh]").fill("20/11/2026")
    page.locator("input[name=tre_noi_sinh]").fill("Trung tâm Y tế khu vực Tân Châu")
    page.locator("input[name=tre_dan_toc]").fill("Kinh")
    page.locator("input[name=tre_que_quan]").fill("Xã Tân Đông, Tỉnh Tây Ninh")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(re.compile(r"/buoc/2/$"))
    assert "Lê Văn Cường" in page.locator("main").inner_text()
    page.get_by_label("Đã đăng ký kết hôn").check()
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(re.compile(r"/buoc/3/$"))
    page.locator("input[name=tre_quan_he_chu_ho]").fill("Con")
    shot(page, "linked-step-residence")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(re.compile(r"/buoc/4/$"))
    page.locator("input[name=noi_kcb_ban_dau]").fill("Trạm y tế xã Tân Đông")
    page.get_by_label("Dùng thẻ điện tử trên VNeID, VssID").check()
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(re.compile(r"/buoc/5/$"))
    pdf = tmp_path / "giay-chung-sinh.pdf"
    pdf.write_bytes(pdf_bytes())
    page.locator("input[name=doc_giay-chung-sinh]").set_input_files(str(pdf))
    page.get_by_role("button", name="Tiếp tục").click()

    # Nothing to pay (birth registered on time; the card is paid by the State); one submission.
    page.wait_for_url(re.compile(r"/kiem-tra/$"))
    page.locator("#receiving_agency").select_option(label="Trung tâm Phục vụ hành chính công xã Tân Đông")
    assert axe_audit(page) == []
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url(re.compile(r"/da-nop/$"))
    code = page.locator("#dossier-code").inner_text().strip()
    application = Dossier.objects.get(code=code)
    assert application.is_linked_application
    stages = {s.procedure_code: s for s in application.linked_stages.select_related("dossier")}
    assert [s.state for s in stages.values()] == [StageState.OPEN, StageState.WAITING, StageState.WAITING]

    page.goto(base + f"/ho-so/{application.pk}/")
    assert page.locator(".stage").count() == 3
    assert axe_audit(page) == []
    shot(page, "linked-application-filed")

    # The commune registers the birth (desk → civil-status officer → leader signs).
    officers = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    desk = officers.new_page()
    desk.set_default_timeout(20_000)
    _process(
        desk, base, stages["1.001193"].dossier_id, "canbo.tandong", "chuyenvien.tandong", "lanhdao.tandong"
    )
    stages = {s.procedure_code: s for s in application.linked_stages.select_related("dossier")}
    assert stages["1.004222"].state == stages["1.001939"].state == StageState.OPEN

    # The police see the child's new personal ID number, handed on from the birth registration.
    officer_login(desk, base, "congan.tandong")
    desk.goto(base + f"/mot-cua/ho-so/{stages['1.004222'].dossier_id}/")
    assert stages["1.001193"].outputs["so_dinh_danh_tre"] in desk.locator("main").inner_text()
    shot(desk, "linked-police-dossier")
    _process(
        desk,
        base,
        stages["1.004222"].dossier_id,
        "congan.tandong",
        "congan.tandong",
        "congan.tandong",
        login=False,
    )
    _process(desk, base, stages["1.001939"].dossier_id, "bhxh.tinh", "bhxh.tinh", "bhxh.tinh")

    # The mother receives the three signed results on her application.
    page.goto(base + f"/ho-so/{application.pk}/")
    stages_text = page.locator("#linked-stages").inner_text()
    assert stages_text.count("Tải kết quả") == 3 or page.locator("#linked-stages a.button").count() == 3
    assert Dossier.objects.get(pk=application.pk).status == Status.RESOLVED
    assert axe_audit(page) == []
    shot(page, "linked-application-results")
    link = page.locator("#linked-stages a.button").first.get_attribute("href")
    pdf = page.context.request.get(base + link)
    assert pdf.ok and pdf.body().startswith(b"%PDF")
