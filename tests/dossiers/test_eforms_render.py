"""The e-form templates: every demo form draws, accessibility rules hold, text is escaped."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from motcua.catalog.schema import FormSpecIn
from motcua.dossiers.eforms import EForm
from tests.dossiers.test_eforms import (
    ANSWERS,
    PID,
    PREFILL_SPEC,
    REGISTER,
    SPEC,
    STEP0,
    TODAY,
    install_vi_messages,
    post,
    row,
)

CATALOG = Path(__file__).resolve().parents[2] / "src" / "motcua" / "catalog" / "data" / "demo_catalog.json"
STATIC = Path(__file__).resolve().parents[2] / "src" / "motcua" / "static" / "motcua"


@pytest.fixture(autouse=True)
def vi_eform_messages(monkeypatch):
    yield from install_vi_messages(monkeypatch)


@pytest.fixture
def units(db):
    from motcua.org.services import load_units

    return load_units()


def demo_forms() -> list[tuple[str, dict]]:
    data = json.loads(CATALOG.read_text(encoding="utf-8"))
    return [(p["code"], p["form"]) for p in data["procedures"] if p.get("form", {}).get("steps")]


# A register answer for every key a demo form may ask for.
REGISTER_VALUES = {
    "full_name": "Trần Văn Bảy",
    "birth_date": "1965-02-01",
    "sex": "nam",
    "ethnicity": "Kinh",
    "nationality": "Việt Nam",
    "personal_id": PID,
    "permanent_address": {"province": "80", "commune": "25522", "detail": "Ấp Tân Định", "text": "x"},
    "current_address": {"province": "80", "commune": "25522", "detail": "Ấp Tân Định", "text": "x"},
    "father.full_name": "Trần Văn Một",
    "mother.full_name": "Lê Thị Hai",
    "spouse.full_name": "Nguyễn Thị Ba",
    "spouse.personal_id": "072165000001",
    "household.head_name": "Trần Văn Bảy",
    "household.members": [
        {
            "full_name": "Trần Văn Bảy",
            "personal_id": PID,
            "birth_date": "1965-02-01",
            "sex": "nam",
            "relation": "Chủ hộ",
        }
    ],
    "phone": "0912345678",
}


def render_step(form, **context) -> str:
    return render_to_string("dossiers/eform/step.html", {"form": form, **context})


class Page(HTMLParser):
    """Collects what the accessibility checks need from a fragment."""

    def __init__(self, html: str):
        super().__init__()
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str]] = []
        self.described: list[str] = []
        self.links: list[str] = []
        self.buttons: list[dict[str, str]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "label" and "for" in a:
            self.label_for.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append({"tag": tag, **a})
        if tag == "button":
            self.buttons.append(a)
        if "aria-describedby" in a:
            self.described.extend(a["aria-describedby"].split())
        if tag == "a" and "href" in a:
            self.links.append(a["href"])

    def handle_data(self, data):
        self.text.append(data)


def check_accessible(html: str) -> Page:
    page = Page(html)
    assert len(page.ids) == len(set(page.ids)), "ids are unique"
    for control in page.controls:
        assert control.get("id") in page.label_for, f"{control} has a label"
    for ref in page.described:
        assert ref in page.ids, f"aria-describedby points at #{ref}"
    for href in page.links:
        if href.startswith("#"):
            assert href[1:] in page.ids, f"error summary link {href} has a target"
    if page.buttons:
        first = page.buttons[0]
        assert "name" not in first and first.get("tabindex") == "-1", "Enter means Tiếp tục, never Xóa"
    return page


# --- every demo form ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "spec"), demo_forms(), ids=[c for c, _s in demo_forms()])
def test_every_demo_form_builds_and_draws(units, code, spec):
    form = EForm(spec, today=TODAY)
    assert len(form) == len(spec["steps"])
    stored = FormSpecIn.model_validate(spec).model_dump(mode="json", exclude_defaults=True)  # as in the DB
    assert [s.fields for s in EForm(stored).steps] == [s.fields for s in form.steps]
    for step in form.steps:
        check_accessible(render_step(form.bound_step(step.index)))
        _values, bound = form.clean_step(step.index, post({}))
        page = check_accessible(render_step(bound))
        for field in step.fields:
            if field.required and field.type not in ("document", "group"):
                assert f"#id_{field.name}" in " ".join(page.links) or any(
                    link.startswith(f"#id_{field.name}-") for link in page.links
                ), f"{field.name} is in the error summary"
    summary = render_to_string(
        "dossiers/eform/summary.html", {"summary": form.summary({}), "edit_url": "/ho-so/1/"}
    )
    assert "Chưa điền" in summary
    assert form.validate_all({}) or not any(
        f.required for s in form.steps for f in s.fields if f.type != "document"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "spec"), demo_forms(), ids=[c for c, _s in demo_forms()])
def test_every_demo_form_with_register_data(units, code, spec):
    form = EForm(spec, today=TODAY)
    prefilled = {
        name: REGISTER_VALUES[key] for name, key in form.register_mapping().items() if key in REGISTER_VALUES
    }
    form = EForm(spec, prefilled=prefilled, today=TODAY)
    assert set(form.prefilled) == set(prefilled)
    for step in form.steps:
        html = render_step(form.bound_step(step.index))
        check_accessible(html)
        for name in prefilled:
            if form.step_index_of(name) == step.index:
                assert f'name="{name}"' not in html
                assert "Lấy từ Cơ sở dữ liệu quốc gia về dân cư" in html
    rows = [r for s in form.summary({}) for r in s.rows if r.from_register]
    assert {r.name for r in rows} == set(prefilled)
    assert EForm(spec, prefilled=form.prefilled_values(), today=TODAY).prefilled == form.prefilled


@pytest.mark.django_db
def test_birth_registration_walkthrough(units):
    spec = dict(demo_forms())["1.001193"]
    form = EForm(spec, prefilled={"nguoi_yeu_cau_ho_ten": "Lê Thị Sáu"}, today=TODAY)
    answers = {}
    steps = [
        {
            "nguoi_yeu_cau_so_dinh_danh": PID,
            "nguoi_yeu_cau_noi_cu_tru-province": "80",
            "nguoi_yeu_cau_noi_cu_tru-for": "80",
            "nguoi_yeu_cau_noi_cu_tru-commune": "25522",
            "nguoi_yeu_cau_noi_cu_tru-detail": "Ấp Tân Định",
            "nguoi_yeu_cau_dien_thoai": "0912345678",
            "quan_he_voi_tre": "ong_ba",
        },
        {
            "tre_ho_ten": "Lê Minh An",
            "tre_gioi_tinh": "nam",
            "tre_ngay_sinh": "01/09/2025",
            "tre_noi_sinh": "Trạm y tế xã Tân Đông",
            "tre_dan_toc": "Kinh",
            "tre_que_quan": "Tây Ninh",
        },
        {"cha_me_da_ket_hon": "co"},
        {"nhan_ban_sao": "2"},
    ]
    for index, data in enumerate(steps):
        values, step = form.clean_step(index, post(data))
        assert step.errors == {}, step.errors
        answers.update(values)
    assert form.validate_all(answers) == {}
    rows = {r.name: r for s in form.summary(answers) for r in s.rows}
    assert rows["nguoi_yeu_cau_noi_cu_tru"].display == "Ấp Tân Định, Xã Tân Đông, Tỉnh Tây Ninh"
    assert rows["tre_ngay_sinh"].display == "01/09/2025"
    assert rows["quan_he_voi_tre"].display == "Ông, bà"
    assert rows["nguoi_yeu_cau_ho_ten"].from_register
    assert json.loads(json.dumps(answers)) == answers  # JSON as stored in form_data
    assert [(s.document_code, s.step) for s in form.document_slots()] == [
        ("giay-chung-sinh", 3),
        ("van-ban-uy-quyen", 3),
    ]


# --- accessibility of one step ------------------------------------------------------------------------------


def test_labels_hints_and_describedby():
    html = render_step(EForm(SPEC, today=TODAY).bound_step(0))
    check_accessible(html)
    assert 'id="id_ngay_sinh"' in html
    assert 'inputmode="numeric"' in html
    assert "Ví dụ: 05/09/2024" in html
    assert 'aria-describedby="id_ngay_sinh-hint"' in html
    assert "<legend" in html and "Giới tính" in html  # radios in a fieldset with a legend
    assert 'type="radio"' in html
    assert "required" not in html  # no browser bubbles in English; the server says what to do


def test_errors_beside_fields_and_summary_at_the_top():
    _values, form = EForm(SPEC, today=TODAY).clean_step(0, post(STEP0, ho_ten="", ngay_sinh="31/02/2020"))
    html = render_step(form)
    page = check_accessible(html)
    assert html.index("Cần sửa lại các thông tin sau") < html.index('id="id_ho_ten"')
    assert page.links == ["#id_ho_ten", "#id_ngay_sinh"]
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_ho_ten-error"' in html
    assert 'id="id_ngay_sinh-error"' in html
    assert 'value="31/02/2020"' in html  # what was typed is kept


def test_optional_fields_are_marked():
    html = render_step(EForm(SPEC, today=TODAY).bound_step(0))
    assert "Thư điện tử <span" in html and "(không bắt buộc)" in html


def test_many_choices_draw_a_select_with_a_label():
    html = render_step(EForm(SPEC, today=TODAY).bound_step(1))
    check_accessible(html)
    assert '<select class="eform-input eform-select" id="id_dan_toc"' in html
    assert '<label class="eform-label" for="id_dan_toc">' in html


@pytest.mark.django_db
def test_address_works_without_javascript(units):
    html = render_step(EForm(SPEC, today=TODAY).bound_step(2))
    check_accessible(html)
    assert 'name="dia_chi-for" value="80"' in html
    assert 'name="_refresh_dia_chi"' in html
    assert '<option value="80" selected>Tỉnh Tây Ninh</option>' in html
    assert 'data-url="/api/v1/units/CODE/children"' in html


@pytest.mark.django_db
def test_province_change_note_is_drawn(units):
    _values, form = EForm(SPEC, today=TODAY).clean_step(
        2, post({"dia_chi-province": "79", "dia_chi-for": "80", "dia_chi-commune": "25522"})
    )
    html = render_step(form)
    assert "Chọn xã/phường của tỉnh vừa chọn" in html
    assert "Cần sửa lại" not in html
    assert 'name="dia_chi-for" value="79"' in html


def test_group_buttons():
    data = post({"thanh_vien-rows": "1", **row(0, "A"), "_add_row_thanh_vien": "1"})
    html = render_step(EForm(SPEC, today=TODAY).bound_step(3, data))
    check_accessible(html)
    assert 'name="_add_row_thanh_vien"' in html and "Thêm người" in html
    assert 'name="_remove_row_thanh_vien_0"' in html and 'name="_remove_row_thanh_vien_1"' in html
    assert 'name="thanh_vien-rows" value="2"' in html
    assert "Dòng 2" in html
    assert "Cần sửa lại" not in html


def test_group_row_errors_link_to_the_sub_field():
    data = post({"thanh_vien-rows": "2", **row(0, "A", PID), **row(1, "", PID)})
    _values, form = EForm(SPEC, today=TODAY).clean_step(3, data)
    html = render_step(form)
    page = check_accessible(html)
    assert page.links == ["#id_thanh_vien-1-tv_ho_ten"]
    assert "Dòng 2: Nhập họ và tên" in html


def test_documents_are_left_to_the_wizard_unless_it_passes_a_partial():
    form = EForm(SPEC, today=TODAY).bound_step(4)
    assert 'type="file"' not in render_step(form)
    html = render_step(form, document_template="dossiers/eform/_document.html")
    check_accessible(html)
    assert 'type="file"' in html and 'name="tep_chung_sinh"' in html and 'id="id_tep_chung_sinh"' in html
    assert [i.slot.document_code for i in form.items] == ["giay-chung-sinh", "uy-quyen"]


def test_external_errors_are_shown_beside_the_document():
    form = EForm(SPEC, today=TODAY).bound_step(4)
    form.set_external_errors({"tep_chung_sinh": ["Gửi kèm ảnh Giấy chứng sinh"], "payment": ["x"]})
    html = render_step(form, document_template="dossiers/eform/_document.html")
    page = check_accessible(html)
    assert page.links == ["#id_tep_chung_sinh"]
    assert 'id="id_tep_chung_sinh-error"' in html


def test_prefilled_fields_are_read_only_with_a_badge():
    form = EForm(PREFILL_SPEC, prefilled=REGISTER, today=TODAY)
    html = render_step(form.bound_step(0))
    check_accessible(html)
    assert 'name="ho_ten"' not in html
    assert "Trần Văn Bảy" in html
    assert html.count("Lấy từ Cơ sở dữ liệu quốc gia về dân cư") == 4
    assert 'name="dien_thoai"' in html


# --- escaping -----------------------------------------------------------------------------------------------

PAYLOAD = "<script>alert('x')</script>'; DROP TABLE dossiers_dossier; --"


def test_script_payload_is_stored_as_text_and_escaped_in_the_summary():
    values, _form = EForm(SPEC, today=TODAY).clean_step(0, post(STEP0, ho_ten=PAYLOAD[:100]))
    assert values["ho_ten"] == PAYLOAD[:100]  # inert text, stored as typed
    spec = {"steps": [SPEC["steps"][0], SPEC["steps"][1]]}
    summary = EForm(spec, today=TODAY).summary({**ANSWERS, "ho_ten": PAYLOAD, "ghi_chu": PAYLOAD})
    html = render_to_string("dossiers/eform/summary.html", {"summary": summary, "edit_url": "/x/"})
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_script_payload_is_escaped_when_the_step_is_shown_again():
    _values, form = EForm(SPEC, today=TODAY).clean_step(
        0, post(STEP0, ho_ten='"><script>alert(1)</script>' * 30)
    )
    html = render_step(form)
    assert "<script>alert" not in html
    assert "&quot;&gt;&lt;script&gt;" in html


# --- summary -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_summary_fragment(units):
    form = EForm(SPEC, today=TODAY)
    html = render_to_string(
        "dossiers/eform/summary.html", {"summary": form.summary(ANSWERS), "edit_url": "/ho-so/7/"}
    )
    page = Page(html)
    assert (
        '<a href="/ho-so/7/?step=0#id_ho_ten">Sửa<span class="visually-hidden"> Họ và tên</span></a>' in html
    )
    assert "/ho-so/7/?step=2#id_dia_chi" in page.links
    assert "Ấp X, Xã Tân Đông, Tỉnh Tây Ninh" in html
    assert "05/09/1965" in html and "1.000.000" in html and "Nữ" in html
    assert "Giấy tờ" not in html  # a step with only documents has no answers to check
    own_links = render_to_string(
        "dossiers/eform/summary.html",
        {"summary": form.summary(ANSWERS, edit_url=lambda i: f"/ho-so/7/buoc/{i}/"), "edit_url": "/ignored/"},
    )
    assert '<a href="/ho-so/7/buoc/2/#id_dia_chi">' in own_links and "/ignored/" not in own_links
    with_query = render_to_string(
        "dossiers/eform/summary.html", {"summary": form.summary(ANSWERS), "edit_url": "/ho-so/7/?lang=vi"}
    )
    assert "/ho-so/7/?lang=vi&amp;step=0#id_ho_ten" in with_query


def test_summary_register_rows_have_a_badge_instead_of_a_link():
    form = EForm(PREFILL_SPEC, prefilled=REGISTER, today=TODAY)
    html = render_to_string(
        "dossiers/eform/summary.html",
        {"summary": form.summary({"dien_thoai": "0912345678"}), "edit_url": "/x/"},
    )
    assert "#id_ho_ten" not in html
    assert "#id_dien_thoai" in html
    assert "Lấy từ Cơ sở dữ liệu quốc gia về dân cư" in html
    assert "<li>Họ và tên: Trần Thị Tư; Ngày sinh: 02/01/1990; Quan hệ với chủ hộ: Con</li>" in html


# --- static files --------------------------------------------------------------------------------------------


def test_script_is_small_and_framework_free():
    script = (STATIC / "eform.js").read_bytes()
    assert len(script) < 3 * 1024
    assert b"import " not in script and b"require(" not in script


def test_stylesheet_keeps_touch_targets_large():
    css = (STATIC / "eform.css").read_text(encoding="utf-8")
    assert "min-height:48px" in css and "min-height:44px" in css
