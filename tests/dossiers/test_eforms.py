"""The e-form engine: canonical values, one test per rule and per kind of bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.http import QueryDict
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.accounts.personal_id import build_personal_id
from motcua.dossiers import eform_fields
from motcua.dossiers.eforms import EForm, format_date, parse_date

TODAY = dt.date(2025, 9, 15)
PID = build_personal_id(province_code="072", sex="male", birth_year=1965, serial=123456)
PID_2 = build_personal_id(province_code="080", sex="female", birth_year=1990, serial=42)
MESSAGES_FILE = Path(eform_fields.__file__).parents[1] / "locale" / "vi" / "LC_MESSAGES" / "django.po"

ETHNIC = ["Kinh", "Khmer", "Hoa", "Chăm", "Tày", "Khác"]
SPEC = {
    "steps": [
        {
            "title": "Người làm thủ tục",
            "help": "Thông tin của bạn.",
            "fields": [
                {"name": "ho_ten", "label": "Họ và tên", "type": "text", "required": True, "max_length": 100},
                {
                    "name": "so_dinh_danh",
                    "label": "Số định danh cá nhân",
                    "type": "personal_id",
                    "required": True,
                },
                {"name": "ngay_sinh", "label": "Ngày sinh", "type": "date", "required": True},
                {"name": "dien_thoai", "label": "Số điện thoại", "type": "phone", "required": True},
                {"name": "thu_dien_tu", "label": "Thư điện tử", "type": "email"},
                {
                    "name": "gioi_tinh",
                    "label": "Giới tính",
                    "type": "choice",
                    "required": True,
                    "choices": [{"value": "nam", "label": "Nam"}, {"value": "nu", "label": "Nữ"}],
                },
            ],
        },
        {
            "title": "Yêu cầu",
            "fields": [
                {
                    "name": "so_ban",
                    "label": "Số bản",
                    "type": "number",
                    "required": True,
                    "min": 1,
                    "max": 10,
                },
                {"name": "von", "label": "Số vốn (đồng)", "type": "number", "min": 0},
                {"name": "ma_bhxh", "label": "Mã số bảo hiểm xã hội", "type": "text", "pattern": "^\\d{10}$"},
                {"name": "ghi_chu", "label": "Ghi chú", "type": "textarea"},
                {
                    "name": "dan_toc",
                    "label": "Dân tộc",
                    "type": "choice",
                    "choices": [{"value": f"dt{i}", "label": label} for i, label in enumerate(ETHNIC)],
                },
                {
                    "name": "cam_doan",
                    "label": "Tôi cam đoan thông tin là đúng",
                    "type": "checkbox",
                    "required": True,
                },
                {"name": "ngay_hen", "label": "Ngày muốn đến nhận", "type": "date"},
            ],
        },
        {
            "title": "Địa chỉ",
            "fields": [{"name": "dia_chi", "label": "Nơi ở hiện nay", "type": "address", "required": True}],
        },
        {
            "title": "Người cùng đi",
            "fields": [
                {
                    "name": "thanh_vien",
                    "label": "Người cùng chuyển đến",
                    "type": "group",
                    "max_items": 3,
                    "fields": [
                        {"name": "tv_ho_ten", "label": "Họ và tên", "type": "text", "required": True},
                        {
                            "name": "tv_so_dinh_danh",
                            "label": "Số định danh",
                            "type": "personal_id",
                            "required": True,
                        },
                        {"name": "tv_ngay_sinh", "label": "Ngày sinh", "type": "date"},
                    ],
                }
            ],
        },
        {
            "title": "Giấy tờ",
            "fields": [
                {
                    "name": "tep_chung_sinh",
                    "label": "Ảnh Giấy chứng sinh",
                    "type": "document",
                    "required": True,
                    "document": "giay-chung-sinh",
                },
                {
                    "name": "tep_uy_quyen",
                    "label": "Văn bản ủy quyền (nếu có)",
                    "type": "document",
                    "document": "uy-quyen",
                },
            ],
        },
    ]
}

STEP0 = {
    "ho_ten": "  Nguyễn   Thị Hoa ",
    "so_dinh_danh": PID[:3] + " " + PID[3:],
    "ngay_sinh": "5/9/1965",
    "dien_thoai": "0912 345 678",
    "thu_dien_tu": "",
    "gioi_tinh": "nu",
}
STEP1 = {
    "so_ban": "2",
    "von": "1.000.000",
    "ma_bhxh": "",
    "ghi_chu": "",
    "dan_toc": "dt1",
    "cam_doan": "on",
    "ngay_hen": "",
}


def load_messages() -> dict[str, str]:
    """The Vietnamese catalogue (the .po file), msgid -> translation."""
    import polib

    return {
        e.msgid: e.msgstr for e in polib.pofile(str(MESSAGES_FILE)) if not e.obsolete and not e.msgid_plural
    }


def install_vi_messages(monkeypatch):
    """Vietnamese as the citizen sees it (the compiled catalogue; .po entries fill any gap)."""
    from django.utils.translation import trans_real

    with translation.override("vi"):
        catalog = trans_real.translation("vi")._catalog
        for msgid, msgstr in load_messages().items():
            if msgid not in catalog:
                monkeypatch.setitem(catalog._catalogs[0], msgid, msgstr)
        yield


@pytest.fixture(autouse=True)
def vi_eform_messages(monkeypatch):
    yield from install_vi_messages(monkeypatch)


@pytest.fixture
def units(db):
    from motcua.org.services import load_units

    return load_units()


def post(values: dict | None = None, **extra) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in {**(values or {}), **extra}.items():
        if isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    return data


def eform(**kwargs) -> EForm:
    return EForm(SPEC, today=TODAY, **kwargs)


def errors_of(form) -> dict[str, list[str]]:
    return {name: list(messages) for name, messages in form.errors.items()}


# --- structure -----------------------------------------------------------------------------------


def test_steps_titles_and_documents():
    form = eform()
    assert len(form) == 5
    assert [s.title for s in form.steps] == [
        "Người làm thủ tục",
        "Yêu cầu",
        "Địa chỉ",
        "Người cùng đi",
        "Giấy tờ",
    ]
    assert [s.index for s in form.steps] == [0, 1, 2, 3, 4]
    assert form.steps[1].number == 2
    assert [s.has_documents for s in form.steps] == [False, False, False, False, True]
    assert form.steps[0].help == "Thông tin của bạn."


def test_empty_spec_has_no_steps():
    assert len(EForm({})) == 0
    assert len(EForm(None)) == 0
    assert EForm({}).validate_all({}) == {}


def test_step_out_of_range():
    with pytest.raises(IndexError):
        eform().bound_step(5)
    with pytest.raises(IndexError):
        eform().bound_step(-1)


def test_document_slots():
    slots = eform().document_slots()
    assert [(s.field, s.document_code, s.label, s.required, s.step_index) for s in slots] == [
        ("tep_chung_sinh", "giay-chung-sinh", "Ảnh Giấy chứng sinh", True, 4),
        ("tep_uy_quyen", "uy-quyen", "Văn bản ủy quyền (nếu có)", False, 4),
    ]


def test_register_mapping_lists_top_level_prefill_fields():
    spec = {
        "steps": [
            {
                "title": "A",
                "fields": [
                    {"name": "ho_ten", "label": "Họ tên", "type": "text", "prefill": "full_name"},
                    {"name": "ghi_chu", "label": "Ghi chú", "type": "text"},
                    {
                        "name": "ho",
                        "label": "Hộ",
                        "type": "group",
                        "prefill": "household.members",
                        "fields": [{"name": "tv", "label": "Tên", "type": "text", "prefill": "full_name"}],
                    },
                ],
            }
        ]
    }
    assert EForm(spec).register_mapping() == {"ho_ten": "full_name", "ho": "household.members"}


# --- canonical values ----------------------------------------------------------------------------


def test_valid_step_gives_canonical_values():
    values, form = eform().clean_step(0, post(STEP0))
    assert form.errors == {}
    assert values == {
        "ho_ten": "Nguyễn Thị Hoa",
        "so_dinh_danh": PID,
        "ngay_sinh": "1965-09-05",
        "dien_thoai": "0912345678",
        "thu_dien_tu": "",
        "gioi_tinh": "nu",
    }


def test_second_step_canonical_values():
    values, form = eform().clean_step(1, post(STEP1))
    assert form.errors == {}
    assert values == {
        "so_ban": "2",
        "von": "1000000",
        "ma_bhxh": "",
        "ghi_chu": "",
        "dan_toc": "dt1",
        "cam_doan": True,
        "ngay_hen": None,
    }


def test_unbound_step_shows_saved_answers():
    form = eform().bound_step(0, initial={"ngay_sinh": "1965-09-05", "ho_ten": "Hoa"})
    items = {item.name: item for item in form.items}
    assert items["ngay_sinh"].value == "05/09/1965"
    assert items["ho_ten"].value == "Hoa"
    assert not form.is_bound and form.errors == {}


def test_saved_decimal_reads_back_the_same():
    form = eform()
    shown = {i.name: i.value for i in form.bound_step(1, initial={"so_ban": "2", "von": "12.345"}).items}
    assert shown["von"] == "12,345"
    values, _form = form.clean_step(1, post(STEP1, von=shown["von"]))
    assert values["von"] == "12.345"


# --- required and text -----------------------------------------------------------------------------


def test_empty_required_fields_say_what_to_enter():
    values, form = eform().clean_step(0, post({}))
    assert values is None
    errors = errors_of(form)
    assert errors["ho_ten"] == ["Nhập họ và tên"]
    assert errors["ngay_sinh"] == ["Nhập ngày sinh"]
    assert errors["gioi_tinh"] == ["Chọn một câu trả lời cho mục “Giới tính”"]
    assert errors["so_dinh_danh"] == ["Nhập số định danh cá nhân gồm 12 chữ số in trên thẻ căn cước."]
    assert "thu_dien_tu" not in errors  # optional
    assert [(e.anchor, e.message) for e in form.error_links][0] == ("id_ho_ten", "Nhập họ và tên")


def test_text_too_long_for_spec_max_length():
    _values, form = eform().clean_step(0, post(STEP0, ho_ten="A" * 101))
    assert errors_of(form)["ho_ten"] == ["Nhập tối đa 100 ký tự; bạn đã nhập 101 ký tự."]


def test_every_text_is_capped_even_without_max_length():
    _values, form = eform().clean_step(1, post(STEP1, ghi_chu="x" * 4001))
    assert errors_of(form)["ghi_chu"] == ["Nhập tối đa 4000 ký tự; bạn đã nhập 4001 ký tự."]
    values, _form = eform().clean_step(1, post(STEP1, ghi_chu="x" * 4000))
    assert len(values["ghi_chu"]) == 4000


def test_control_characters_are_stripped_and_text_composed():
    decomposed = "Nguye\u0302\u0303n\u0000 Thi\u0323\u202e Hoa\x07"
    values, _form = eform().clean_step(0, post(STEP0, ho_ten=decomposed))
    assert values["ho_ten"] == "Nguyễn Thị Hoa"


def test_textarea_keeps_line_breaks():
    values, _form = eform().clean_step(1, post(STEP1, ghi_chu="Dòng một\r\nDòng hai\x0b"))
    assert values["ghi_chu"] == "Dòng một\nDòng hai"


def test_pattern_mismatch_says_what_to_type_not_the_regex():
    _values, form = eform().clean_step(1, post(STEP1, ma_bhxh="12345"))
    message = errors_of(form)["ma_bhxh"]
    assert message == ["Nhập đúng 10 chữ số, không có dấu cách hay chữ cái"]
    assert "\\d" not in message[0]
    values, _form = eform().clean_step(1, post(STEP1, ma_bhxh="7912345678"))
    assert values["ma_bhxh"] == "7912345678"


def test_pattern_descriptions():
    describe = eform_fields.describe_pattern
    assert describe("^0\\d{9}$") == "Nhập 10 chữ số, bắt đầu bằng số 0"
    assert describe("^[0-9]{4,6}$") == "Nhập từ 4 đến 6 chữ số, không có dấu cách hay chữ cái"
    assert describe("^\\d+$") == "Chỉ nhập chữ số, không có dấu cách hay chữ cái"
    assert describe("^[A-Z]{2}\\d+$", "Ví dụ: AB123") == "Viết theo hướng dẫn: Ví dụ: AB123"
    assert "[A-Z]" not in describe("^[A-Z]{2}\\d+$")


def test_min_length():
    spec = {
        "steps": [
            {"title": "A", "fields": [{"name": "ten", "label": "Tên", "type": "text", "min_length": 3}]}
        ]
    }
    _values, form = EForm(spec).clean_step(0, post(ten="ab"))
    assert errors_of(form)["ten"] == ["Nhập ít nhất 3 ký tự."]


# --- dates ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "iso"),
    [
        ("05/09/1965", "1965-09-05"),
        ("5/9/1965", "1965-09-05"),
        ("05-09-1965", "1965-09-05"),
        ("05.09.1965", "1965-09-05"),
        ("05091965", "1965-09-05"),
        (" 5 / 9 / 1965 ", "1965-09-05"),
        ("1965-09-05", "1965-09-05"),
        ("29/02/2024", "2024-02-29"),
    ],
)
def test_dates_typed_in_the_usual_ways(typed, iso):
    values, form = eform().clean_step(0, post(STEP0, ngay_sinh=typed))
    assert form.errors == {}
    assert values["ngay_sinh"] == iso


@pytest.mark.parametrize("typed", ["31/02/2020", "29/02/2023", "32/01/2020", "12/13/2020", "00/01/2020"])
def test_impossible_date(typed):
    _values, form = eform().clean_step(0, post(STEP0, ngay_sinh=typed))
    [message] = errors_of(form)["ngay_sinh"]
    assert message.startswith("Ngày ")
    assert "không có trên lịch" in message
    assert form.errors.as_data()["ngay_sinh"][0].code == "impossible"


def test_impossible_date_message_repeats_the_date():
    _values, form = eform().clean_step(0, post(STEP0, ngay_sinh="31/02/2020"))
    assert errors_of(form)["ngay_sinh"] == [
        "Ngày 31/02/2020 không có trên lịch. Hãy kiểm tra lại ngày và tháng."
    ]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("hôm qua", "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/09/2024"),
        ("5/9/65", "Nhập năm đủ 4 chữ số, ví dụ 2024"),
        ("05/09/1865", "Kiểm tra lại năm: năm phải từ năm 1900 trở về sau"),
    ],
)
def test_unreadable_dates(typed, message):
    _values, form = eform().clean_step(0, post(STEP0, ngay_sinh=typed))
    assert errors_of(form)["ngay_sinh"] == [message]


def test_future_birth_date():
    _values, form = eform().clean_step(0, post(STEP0, ngay_sinh="16/09/2025"))
    assert errors_of(form)["ngay_sinh"] == [
        "Ngày sinh không được sau ngày hôm nay. Hãy kiểm tra lại năm sinh."
    ]
    values, _form = eform().clean_step(0, post(STEP0, ngay_sinh="15/09/2025"))
    assert values["ngay_sinh"] == "2025-09-15"


def test_future_birth_date_by_prefill_key():
    spec = {
        "steps": [
            {
                "title": "A",
                "fields": [{"name": "sinh", "label": "Sinh", "type": "date", "prefill": "birth_date"}],
            }
        ]
    }
    _values, form = EForm(spec, today=TODAY).clean_step(0, post(sinh="01/01/2030"))
    assert form.errors.as_data()["sinh"][0].code == "future"


def test_future_date_allowed_when_not_a_birth_date():
    values, form = eform().clean_step(1, post(STEP1, ngay_hen="01/10/2025"))
    assert form.errors == {}
    assert values["ngay_hen"] == "2025-10-01"


def test_date_of_death_cannot_be_in_the_future():
    spec = {"steps": [{"title": "A", "fields": [{"name": "ngay_mat", "label": "Ngày mất", "type": "date"}]}]}
    _values, form = EForm(spec, today=TODAY).clean_step(0, post(ngay_mat="20/09/2025"))
    assert errors_of(form)["ngay_mat"] == ["Ngày mất không được sau ngày hôm nay. Hãy kiểm tra lại."]


def test_month_and_year_accepted_where_the_label_asks_for_it():
    spec = {"steps": [{"title": "A", "fields": [{"name": "tu", "label": "Từ tháng/năm", "type": "date"}]}]}
    values, form = EForm(spec, today=TODAY).clean_step(0, post(tu="05/2010"))
    assert values == {"tu": "2010-05-01"}
    assert form.items[0].hint == "Ví dụ: 09/2024 hoặc 05/09/2024"


def test_date_field_is_drawn_for_a_numeric_keypad():
    item = next(i for i in eform().bound_step(0).items if i.name == "ngay_sinh")
    assert item.attrs["inputmode"] == "numeric"
    assert item.attrs["type"] == "text"
    assert item.hint == "Ví dụ: 05/09/2024"


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_formatting_then_parsing_a_date_gives_it_back(day):
    text = format_date(day)
    assert len(text) == 10 and text[2] == "/" and text[5] == "/"
    assert parse_date(text) == day
    assert parse_date(f"{day.day}/{day.month}/{day.year}") == day
    assert parse_date(text.replace("/", "-")) == day


# --- personal ID, phone, email ---------------------------------------------------------------------------


def test_bad_personal_id_gives_the_specific_reason():
    _values, form = eform().clean_step(0, post(STEP0, so_dinh_danh="12345"))
    assert errors_of(form)["so_dinh_danh"] == [
        "Nhập số định danh cá nhân gồm đúng 12 chữ số; bạn đã nhập 5 ký tự. Hãy kiểm tra lại số trên thẻ căn cước."
    ]
    assert form.errors.as_data()["so_dinh_danh"][0].code == "length"


def test_personal_id_with_an_unknown_province_code():
    _values, form = eform().clean_step(0, post(STEP0, so_dinh_danh="003065123456"))
    assert [e.code for e in form.errors.as_data()["so_dinh_danh"]] == ["province"]
    assert "003" in errors_of(form)["so_dinh_danh"][0]


def test_personal_id_with_letters():
    _values, form = eform().clean_step(0, post(STEP0, so_dinh_danh="07206512345A"))
    assert [e.code for e in form.errors.as_data()["so_dinh_danh"]] == ["non_digit"]


def test_personal_id_is_drawn_numeric_without_autocomplete():
    item = next(i for i in eform().bound_step(0).items if i.name == "so_dinh_danh")
    assert item.attrs["inputmode"] == "numeric"
    assert item.attrs["autocomplete"] == "off"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0912345678", "0912345678"),
        ("091 234 5678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0276 3822 123", "02763822123"),
    ],
)
def test_phone_numbers_are_normalised(typed, stored):
    values, form = eform().clean_step(0, post(STEP0, dien_thoai=typed))
    assert form.errors == {}
    assert values["dien_thoai"] == stored


@pytest.mark.parametrize("typed", ["12345", "0123456789", "09123456789", "phone", "+1 202 555 0100"])
def test_bad_phone(typed):
    _values, form = eform().clean_step(0, post(STEP0, dien_thoai=typed))
    assert errors_of(form)["dien_thoai"] == [
        "Nhập số điện thoại gồm 10 chữ số, bắt đầu bằng số 0, ví dụ 0912345678"
    ]


def test_phone_pattern_of_the_spec_applies_after_normalising():
    spec = {
        "steps": [
            {
                "title": "A",
                "fields": [{"name": "dt", "label": "Số điện thoại", "type": "phone", "pattern": "^0\\d{9}$"}],
            }
        ]
    }
    values, _form = EForm(spec).clean_step(0, post(dt="+84 912 345 678"))
    assert values == {"dt": "0912345678"}
    _values, form = EForm(spec).clean_step(0, post(dt="0276 3822 123"))
    assert errors_of(form)["dt"] == ["Nhập 10 chữ số, bắt đầu bằng số 0"]


def test_phone_is_drawn_as_tel():
    item = next(i for i in eform().bound_step(0).items if i.name == "dien_thoai")
    assert item.attrs["type"] == "tel"


def test_email():
    values, _form = eform().clean_step(0, post(STEP0, thu_dien_tu="Hoa@Gmail.COM"))
    assert values["thu_dien_tu"] == "Hoa@gmail.com"
    _values, form = eform().clean_step(0, post(STEP0, thu_dien_tu="hoa at gmail"))
    assert errors_of(form)["thu_dien_tu"] == ["Nhập địa chỉ thư điện tử, ví dụ ten@gmail.com"]


# --- numbers, choices, checkboxes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("3", "3"), ("10", "10"), ("1,5", "1.5"), ("1.5", "1.5"), (" 2 ", "2"), ("2,50", "2.5"), ("01", "1")],
)
def test_numbers(typed, stored):
    values, form = eform().clean_step(1, post(STEP1, so_ban=typed))
    assert form.errors == {}
    assert values["so_ban"] == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1.000.000", "1000000"),
        ("1000000", "1000000"),
        ("1 000 000", "1000000"),
        ("1.234,5", "1234.5"),
        ("0", "0"),
    ],
)
def test_big_numbers_written_the_vietnamese_way(typed, stored):
    values, _form = eform().clean_step(1, post(STEP1, von=typed))
    assert values["von"] == stored


@pytest.mark.parametrize(("typed", "message"), [("11", "Nhập số từ 1 đến 10"), ("0", "Nhập số từ 1 đến 10")])
def test_number_out_of_range(typed, message):
    _values, form = eform().clean_step(1, post(STEP1, so_ban=typed))
    assert errors_of(form)["so_ban"] == [message]


def test_number_below_min_only():
    _values, form = eform().clean_step(1, post(STEP1, von="-5"))
    assert errors_of(form)["von"] == ["Nhập số từ 0 trở lên"]


@pytest.mark.parametrize("typed", ["hai", "1.2.3", "1e5", "NaN", "12,5,6", "--1", "9" * 30])
def test_not_a_number(typed):
    _values, form = eform().clean_step(1, post(STEP1, so_ban=typed))
    assert errors_of(form)["so_ban"] == ["Nhập một con số, ví dụ 12 hoặc 12,5"]


def test_number_range_hint_and_keypad():
    item = next(i for i in eform().bound_step(1).items if i.name == "so_ban")
    assert item.hint == "Từ 1 đến 10"
    assert item.attrs["inputmode"] == "decimal"


def test_choice_not_in_the_list():
    _values, form = eform().clean_step(0, post(STEP0, gioi_tinh="khac"))
    assert errors_of(form)["gioi_tinh"] == ["Chọn một trong các câu trả lời có sẵn"]


def test_few_choices_are_radios_many_are_a_select():
    items = {i.name: i for i in eform().bound_step(0).items}
    assert items["gioi_tinh"].template.endswith("_radios.html")
    assert [o.id for o in items["gioi_tinh"].options] == ["id_gioi_tinh", "id_gioi_tinh-1"]
    items = {i.name: i for i in eform().bound_step(1).items}
    assert items["dan_toc"].template.endswith("_select.html")


def test_required_checkbox_must_be_ticked():
    _values, form = eform().clean_step(1, post({k: v for k, v in STEP1.items() if k != "cam_doan"}))
    assert errors_of(form)["cam_doan"] == ["Đánh dấu vào ô “Tôi cam đoan thông tin là đúng” để tiếp tục"]


# --- addresses ----------------------------------------------------------------------------------------------

ADDRESS = {
    "dia_chi-province": "80",
    "dia_chi-for": "80",
    "dia_chi-commune": "25522",
    "dia_chi-detail": "Ấp X",
}


@pytest.mark.django_db
def test_address_gives_codes_and_detail(units):
    values, form = eform().clean_step(2, post(ADDRESS))
    assert form.errors == {}
    assert values == {"dia_chi": {"province": "80", "commune": "25522", "detail": "Ấp X"}}


@pytest.mark.django_db
def test_address_starts_in_tay_ninh_with_its_communes(units):
    [item] = eform().bound_step(2).items
    assert item.province_value == "80"
    assert [o.value for o in item.provinces if o.selected] == ["80"]
    names = [o.label for o in item.communes]
    assert "Xã Tân Đông" in names
    assert len(names) == 96
    assert item.built_for == "80"


@pytest.mark.django_db
def test_commune_of_another_province_is_refused(units):
    # 28723 is "Xã Tân Đông" of Đồng Tháp (82), not of Tây Ninh
    values, form = eform().clean_step(2, post(ADDRESS, **{"dia_chi-commune": "28723"}))
    assert values is None
    assert errors_of(form)["dia_chi"] == ["Chọn xã/phường thuộc Tỉnh Tây Ninh trong danh sách"]
    assert [e.anchor for e in form.error_links] == ["id_dia_chi-commune"]
    [item] = form.items
    assert item.commune_invalid and not item.province_invalid


@pytest.mark.django_db
def test_address_missing_parts(units):
    _values, form = eform().clean_step(2, post({"dia_chi-province": "80", "dia_chi-for": "80"}))
    assert errors_of(form)["dia_chi"] == ["Chọn xã/phường", "Nhập số nhà và tên đường, hoặc tên ấp, khu phố"]
    assert [e.anchor for e in form.error_links] == ["id_dia_chi-commune", "id_dia_chi-detail"]


@pytest.mark.django_db
def test_unknown_province(units):
    _values, form = eform().clean_step(2, post(ADDRESS, **{"dia_chi-province": "99", "dia_chi-for": "99"}))
    assert errors_of(form)["dia_chi"] == ["Chọn tỉnh/thành phố trong danh sách"]


@pytest.mark.django_db
def test_province_changed_without_javascript_shows_the_step_again(units):
    data = post(ADDRESS, **{"dia_chi-province": "79"})  # the list was built for 80
    values, form = eform().clean_step(2, data)
    assert values is None
    assert form.errors == {}  # not an error
    assert form.pending and not form.is_valid()
    [item] = form.items
    assert item.note == "Chọn xã/phường của tỉnh vừa chọn"
    assert item.built_for == "79"
    assert "Phường Tân Đông Hiệp" in [o.label for o in item.communes]
    assert "Xã Tân Đông" not in [o.label for o in item.communes]
    assert not any(o.selected for o in item.communes)
    # the citizen chooses a ward of the new province and goes on
    values, form = eform().clean_step(
        2,
        post(
            {
                "dia_chi-province": "79",
                "dia_chi-for": "79",
                "dia_chi-commune": "25945",
                "dia_chi-detail": "12 Lê Lợi",
            }
        ),
    )
    assert values == {"dia_chi": {"province": "79", "commune": "25945", "detail": "12 Lê Lợi"}}


@pytest.mark.django_db
def test_refresh_button_is_a_row_operation_without_errors(units):
    data = post({"dia_chi-province": "79", "dia_chi-for": "80", "_refresh_dia_chi": "1"})
    form = eform()
    assert form.row_operation(data) == ("dia_chi", "refresh", None)
    values, step = form.clean_step(2, data)
    assert values is None and step.errors == {} and step.error_links == []
    assert step.items[0].built_for == "79"


@pytest.mark.django_db
def test_optional_address_left_empty(units):
    spec = {"steps": [{"title": "A", "fields": [{"name": "cu", "label": "Nơi ở cũ", "type": "address"}]}]}
    values, _form = EForm(spec).clean_step(0, post({"cu-province": "80", "cu-for": "80"}))
    assert values == {"cu": None}


# --- repeating groups -----------------------------------------------------------------------------------------


def row(i: int, name: str = "", pid: str = "", birth: str = "") -> dict[str, str]:
    return {
        f"thanh_vien-{i}-tv_ho_ten": name,
        f"thanh_vien-{i}-tv_so_dinh_danh": pid,
        f"thanh_vien-{i}-tv_ngay_sinh": birth,
    }


def test_group_rows_give_a_list_of_dicts():
    data = post(
        {"thanh_vien-rows": "2", **row(0, "Lê Văn Nam", PID, "01/02/1965"), **row(1, "Lê Thị Mai", PID_2)}
    )
    values, form = eform().clean_step(3, data)
    assert form.errors == {}
    assert values == {
        "thanh_vien": [
            {"tv_ho_ten": "Lê Văn Nam", "tv_so_dinh_danh": PID, "tv_ngay_sinh": "1965-02-01"},
            {"tv_ho_ten": "Lê Thị Mai", "tv_so_dinh_danh": PID_2, "tv_ngay_sinh": None},
        ]
    }


def test_empty_rows_are_dropped():
    data = post({"thanh_vien-rows": "3", **row(0, "Lê Văn Nam", PID), **row(1), **row(2, " ")})
    values, _form = eform().clean_step(3, data)
    assert values == {
        "thanh_vien": [{"tv_ho_ten": "Lê Văn Nam", "tv_so_dinh_danh": PID, "tv_ngay_sinh": None}]
    }


def test_optional_group_may_stay_empty():
    values, _form = eform().clean_step(3, post({"thanh_vien-rows": "0"}))
    assert values == {"thanh_vien": []}


def test_required_sub_fields_are_checked_per_row():
    data = post({"thanh_vien-rows": "2", **row(0, "Lê Văn Nam", PID), **row(1, "", PID_2)})
    values, form = eform().clean_step(3, data)
    assert values is None
    assert errors_of(form)["thanh_vien"] == ["Dòng 2: Nhập họ và tên"]
    assert [(e.anchor, e.message) for e in form.error_links] == [
        ("id_thanh_vien-1-tv_ho_ten", "Dòng 2: Nhập họ và tên")
    ]
    [group] = form.items
    beside = {sub.html_name: sub.errors for r in group.rows for sub in r.items}
    assert beside["thanh_vien-1-tv_ho_ten"] == ["Nhập họ và tên"]
    assert beside["thanh_vien-0-tv_ho_ten"] == []
    assert group.errors == []  # the row messages stand beside the sub-fields, not twice


def test_bad_value_in_a_row():
    data = post({"thanh_vien-rows": "1", **row(0, "Lê Văn Nam", "12345")})
    _values, form = eform().clean_step(3, data)
    assert errors_of(form)["thanh_vien"][0].startswith("Dòng 1: Nhập số định danh cá nhân gồm đúng 12 chữ số")


def test_too_many_group_rows():
    rows = {}
    for i in range(4):
        rows.update(row(i, f"Người {i}", PID))
    _values, form = eform().clean_step(3, post({"thanh_vien-rows": "4", **rows}))
    assert errors_of(form)["thanh_vien"] == ["Chỉ được nhập tối đa 3 dòng; hãy xóa bớt các dòng thừa."]
    assert [e.anchor for e in form.error_links] == ["id_thanh_vien"]


def test_posted_row_count_is_bounded():
    data = post({"thanh_vien-rows": "99999", **row(0, "Lê Văn Nam", PID)})
    values, _form = eform().clean_step(3, data)
    assert len(values["thanh_vien"]) == 1
    [group] = eform().bound_step(3, data).items
    assert group.row_count <= 4


def test_min_items():
    spec = {
        "steps": [
            {
                "title": "A",
                "fields": [
                    {
                        "name": "noi",
                        "label": "Nơi đã sống",
                        "type": "group",
                        "min_items": 1,
                        "fields": [{"name": "ten", "label": "Nơi", "type": "text", "required": True}],
                    }
                ],
            }
        ]
    }
    form = EForm(spec)
    [group] = form.bound_step(0).items
    assert group.row_count == 1 and not group.rows[0].can_remove
    _values, step = form.clean_step(0, post({"noi-rows": "1", "noi-0-ten": ""}))
    assert errors_of(step)["noi"] == ["Cần điền ít nhất 1 dòng."]


def test_add_row_without_javascript():
    data = post({"thanh_vien-rows": "1", **row(0, "Lê Văn Nam"), "_add_row_thanh_vien": "1"})
    form = eform()
    assert form.row_operation(data) == ("thanh_vien", "add", None)
    values, step = form.clean_step(3, data)
    assert values is None
    assert step.errors == {} and step.error_links == []  # no complaint about the half-filled row
    [group] = step.items
    assert group.row_count == 2
    assert [r.legend for r in group.rows] == ["Dòng 1", "Dòng 2"]
    assert group.rows[0].items[0].value == "Lê Văn Nam"
    assert group.rows[1].items[0].value == ""
    assert group.add_label == "Thêm người"


def test_add_button_disappears_at_max_items():
    rows = {}
    for i in range(3):
        rows.update(row(i, f"Người {i}"))
    data = post({"thanh_vien-rows": "3", **rows, "_add_row_thanh_vien": "1"})
    [group] = eform().bound_step(3, data).items
    assert group.row_count == 3
    assert not group.can_add


def test_remove_row_without_javascript():
    data = post(
        {
            "thanh_vien-rows": "3",
            **row(0, "A"),
            **row(1, "B"),
            **row(2, "C"),
            "_remove_row_thanh_vien_1": "1",
        }
    )
    form = eform()
    assert form.row_operation(data) == ("thanh_vien", "remove", 1)
    values, step = form.clean_step(3, data)
    assert values is None and step.errors == {}
    [group] = step.items
    assert [r.items[0].value for r in group.rows] == ["A", "C"]
    assert [r.items[0].html_name for r in group.rows] == ["thanh_vien-0-tv_ho_ten", "thanh_vien-1-tv_ho_ten"]
    assert [r.remove_name for r in group.rows] == ["_remove_row_thanh_vien_0", "_remove_row_thanh_vien_1"]
    assert group.rows[0].remove_label == "Xóa dòng 1"


def test_saved_rows_are_shown_again():
    saved = {"thanh_vien": [{"tv_ho_ten": "A", "tv_so_dinh_danh": PID, "tv_ngay_sinh": "1965-02-01"}]}
    [group] = eform().bound_step(3, initial=saved).items
    assert group.row_count == 1
    assert [i.value for i in group.rows[0].items] == ["A", PID, "01/02/1965"]


def test_no_operation_means_continue():
    form = eform()
    assert form.row_operation(post(STEP0)) is None
    assert form.row_operation(None) is None
    assert form.row_operation(post(_add_row_ho_ten="1")) is None  # not a group
    assert form.row_operation(post(_remove_row_thanh_vien_x="1")) is None


def test_operation_for_another_step_is_ignored():
    values, _form = eform().clean_step(0, post(STEP0, _add_row_thanh_vien="1"))
    assert values is not None


@pytest.mark.django_db
def test_group_with_an_address_inside(units):
    spec = {
        "steps": [
            {
                "title": "A",
                "fields": [
                    {
                        "name": "cu_tru",
                        "label": "Quá trình cư trú",
                        "type": "group",
                        "fields": [
                            {"name": "tu", "label": "Từ tháng/năm", "type": "date", "required": True},
                            {"name": "noi", "label": "Nơi cư trú", "type": "address", "required": True},
                        ],
                    }
                ],
            }
        ]
    }
    form = EForm(spec)
    base = {
        "cu_tru-rows": "1",
        "cu_tru-0-tu": "01/2000",
        "cu_tru-0-noi-province": "79",
        "cu_tru-0-noi-for": "80",
    }
    values, step = form.clean_step(0, post(base))
    assert values is None and step.errors == {} and step.pending
    noi = step.items[0].rows[0].items[1]
    assert noi.note == "Chọn xã/phường của tỉnh vừa chọn" and noi.built_for == "79"
    assert form.row_operation(post(base, **{"_refresh_cu_tru-0-noi": "1"})) == ("cu_tru", "refresh", 0)
    values, step = form.clean_step(
        0,
        post(
            base, **{"cu_tru-0-noi-for": "79", "cu_tru-0-noi-commune": "25945", "cu_tru-0-noi-detail": "Số 1"}
        ),
    )
    assert values == {
        "cu_tru": [{"tu": "2000-01-01", "noi": {"province": "79", "commune": "25945", "detail": "Số 1"}}]
    }
    _values, step = form.clean_step(
        0,
        post(
            base, **{"cu_tru-0-noi-for": "79", "cu_tru-0-noi-commune": "25522", "cu_tru-0-noi-detail": "Số 1"}
        ),
    )
    assert [e.anchor for e in step.error_links] == ["id_cu_tru-0-noi-commune"]
    assert errors_of(step)["cu_tru"] == ["Dòng 1: Chọn xã/phường thuộc Thành phố Hồ Chí Minh trong danh sách"]


# --- prefill ------------------------------------------------------------------------------------------------------

PREFILL_SPEC = {
    "steps": [
        {
            "title": "Bạn",
            "fields": [
                {
                    "name": "ho_ten",
                    "label": "Họ và tên",
                    "type": "text",
                    "required": True,
                    "prefill": "full_name",
                },
                {
                    "name": "so_dd",
                    "label": "Số định danh",
                    "type": "personal_id",
                    "required": True,
                    "prefill": "personal_id",
                },
                {
                    "name": "sinh",
                    "label": "Ngày sinh",
                    "type": "date",
                    "required": True,
                    "prefill": "birth_date",
                },
                {
                    "name": "gioi_tinh",
                    "label": "Giới tính",
                    "type": "choice",
                    "required": True,
                    "prefill": "sex",
                    "choices": [{"value": "nam", "label": "Nam"}, {"value": "nu", "label": "Nữ"}],
                },
                {
                    "name": "vo_chong",
                    "label": "Họ tên vợ/chồng",
                    "type": "text",
                    "prefill": "spouse.full_name",
                },
                {
                    "name": "dien_thoai",
                    "label": "Số điện thoại",
                    "type": "phone",
                    "required": True,
                    "prefill": "phone",
                },
            ],
        },
        {
            "title": "Hộ",
            "fields": [
                {
                    "name": "thanh_vien_ho",
                    "label": "Thành viên hộ",
                    "type": "group",
                    "prefill": "household.members",
                    "fields": [
                        {"name": "tvh_ho_ten", "label": "Họ và tên", "type": "text", "prefill": "full_name"},
                        {"name": "tvh_sinh", "label": "Ngày sinh", "type": "date", "prefill": "birth_date"},
                        {
                            "name": "tvh_quan_he",
                            "label": "Quan hệ với chủ hộ",
                            "type": "text",
                            "prefill": "relation",
                        },
                    ],
                }
            ],
        },
    ]
}
REGISTER = {
    "ho_ten": "Trần Văn Bảy",
    "so_dd": PID,
    "sinh": dt.date(1965, 2, 1),
    "gioi_tinh": "male",
    "vo_chong": None,
    "dien_thoai": "",
    "thanh_vien_ho": [
        {
            "full_name": "Trần Văn Bảy",
            "personal_id": PID,
            "birth_date": "1965-02-01",
            "sex": "nam",
            "relation": "Chủ hộ",
        },
        {
            "full_name": "Trần Thị Tư",
            "personal_id": PID_2,
            "birth_date": dt.date(1990, 1, 2),
            "relation": "Con",
        },
    ],
}


def test_prefilled_values_are_canonical():
    form = EForm(PREFILL_SPEC, prefilled=REGISTER, today=TODAY)
    assert form.prefilled == {
        "ho_ten": "Trần Văn Bảy",
        "so_dd": PID,
        "sinh": "1965-02-01",
        "gioi_tinh": "nam",
        "thanh_vien_ho": [
            {"tvh_ho_ten": "Trần Văn Bảy", "tvh_sinh": "1965-02-01", "tvh_quan_he": "Chủ hộ"},
            {"tvh_ho_ten": "Trần Thị Tư", "tvh_sinh": "1990-01-02", "tvh_quan_he": "Con"},
        ],
    }  # empty register values (spouse, phone) are asked instead


def test_prefilled_values_cannot_be_tampered_with():
    form = EForm(PREFILL_SPEC, prefilled=REGISTER, today=TODAY)
    data = post(
        ho_ten="Kẻ Giả Mạo",
        so_dd="079203000001",
        sinh="01/01/2000",
        gioi_tinh="nu",
        vo_chong="",
        dien_thoai="0912345678",
    )
    values, step = form.clean_step(0, data)
    assert step.errors == {}
    assert values == {
        "ho_ten": "Trần Văn Bảy",
        "so_dd": PID,
        "sinh": "1965-02-01",
        "gioi_tinh": "nam",
        "vo_chong": "",
        "dien_thoai": "0912345678",
    }
    assert set(step.fields) == {"vo_chong", "dien_thoai"}  # only these are asked


def test_prefilled_fields_are_drawn_read_only():
    step = EForm(PREFILL_SPEC, prefilled=REGISTER, today=TODAY).bound_step(0)
    items = {i.name: i for i in step.items}
    assert items["ho_ten"].readonly and items["ho_ten"].display == "Trần Văn Bảy"
    assert items["sinh"].display == "01/02/1965"
    assert items["gioi_tinh"].display == "Nam"
    assert not items["dien_thoai"].readonly
    assert step.has_prefilled


def test_household_members_fill_a_group_by_prefill_key():
    form = EForm(PREFILL_SPEC, prefilled=REGISTER, today=TODAY)
    values, step = form.clean_step(1, post({"thanh_vien_ho-rows": "1", "thanh_vien_ho-0-tvh_ho_ten": "Giả"}))
    assert values["thanh_vien_ho"][1]["tvh_ho_ten"] == "Trần Thị Tư"
    assert len(values["thanh_vien_ho"]) == 2
    [item] = step.items
    assert item.readonly
    assert item.lines == [
        "Họ và tên: Trần Văn Bảy; Ngày sinh: 01/02/1965; Quan hệ với chủ hộ: Chủ hộ",
        "Họ và tên: Trần Thị Tư; Ngày sinh: 02/01/1990; Quan hệ với chủ hộ: Con",
    ]


@pytest.mark.django_db
def test_register_addresses(units):
    spec = {
        "steps": [
            {
                "title": "A",
                "fields": [{"name": "o", "label": "Nơi ở", "type": "address", "prefill": "current_address"}],
            }
        ]
    }
    as_given = {
        "province": "80",
        "commune": "25522",
        "detail": "Ấp 3",
        "text": "Ấp 3, Xã Tân Đông, Tỉnh Tây Ninh",
    }
    form = EForm(spec, prefilled={"o": as_given})
    assert form.prefilled == {"o": {"province": "80", "commune": "25522", "detail": "Ấp 3"}}
    assert form.summary({})[0].rows[0].display == "Ấp 3, Xã Tân Đông, Tỉnh Tây Ninh"
    only_text = EForm(
        spec, prefilled={"o": {"province": "", "commune": "", "detail": "", "text": "Số 5, Phường Cũ"}}
    )
    assert only_text.prefilled == {"o": {"province": "", "commune": "", "detail": "Số 5, Phường Cũ"}}
    assert EForm(spec, prefilled={"o": "Ấp 4"}).summary({})[0].rows[0].display == "Ấp 4"
    assert EForm(spec, prefilled={"o": {"province": "x'; --", "commune": "1"}}).prefilled == {}


def test_unusable_register_values_are_asked_instead():
    form = EForm(
        PREFILL_SPEC, prefilled={"gioi_tinh": "không rõ", "sinh": "ngày xưa", "khong_co": "x"}, today=TODAY
    )
    assert form.prefilled == {}


def test_canonical_values_round_trip_as_prefilled():
    """The submission check passes saved prefilled values back in: they must stay the same."""
    first = EForm(PREFILL_SPEC, prefilled=REGISTER, today=TODAY)
    again = EForm(PREFILL_SPEC, prefilled=first.prefilled, today=TODAY)
    assert again.prefilled == first.prefilled


# --- final validation ------------------------------------------------------------------------------------------

ANSWERS = {
    "ho_ten": "Nguyễn Thị Hoa",
    "so_dinh_danh": PID,
    "ngay_sinh": "1965-09-05",
    "dien_thoai": "0912345678",
    "thu_dien_tu": "",
    "gioi_tinh": "nu",
    "so_ban": "2",
    "von": "1000000",
    "ma_bhxh": "",
    "ghi_chu": "Xin cảm ơn",
    "dan_toc": "dt1",
    "cam_doan": True,
    "ngay_hen": None,
    "dia_chi": {"province": "80", "commune": "25522", "detail": "Ấp X"},
    "thanh_vien": [{"tv_ho_ten": "Lê Văn Nam", "tv_so_dinh_danh": PID, "tv_ngay_sinh": "1965-02-01"}],
}


@pytest.mark.django_db
def test_validate_all_accepts_what_the_steps_produced(units):
    assert eform().validate_all(ANSWERS) == {}


@pytest.mark.django_db
def test_validate_all_reports_every_problem(units):
    answers = {**ANSWERS, "ngay_sinh": "2020-02-31", "gioi_tinh": "khac", "so_ban": "50"}
    del answers["ho_ten"]
    answers["thanh_vien"] = [{"tv_ho_ten": "", "tv_so_dinh_danh": PID}]
    problems = eform().validate_all(answers)
    assert problems == {
        "ho_ten": ["Nhập họ và tên"],
        "ngay_sinh": ["Ngày 31/02/2020 không có trên lịch. Hãy kiểm tra lại ngày và tháng."],
        "gioi_tinh": ["Chọn một trong các câu trả lời có sẵn"],
        "so_ban": ["Nhập số từ 1 đến 10"],
        "thanh_vien": ["Dòng 1: Nhập họ và tên"],
    }


@pytest.mark.django_db
def test_validate_all_with_nothing(units):
    problems = eform().validate_all({})
    assert set(problems) == {
        "ho_ten",
        "so_dinh_danh",
        "ngay_sinh",
        "dien_thoai",
        "gioi_tinh",
        "so_ban",
        "cam_doan",
        "dia_chi",
    }
    assert "tep_chung_sinh" not in problems  # documents are the wizard's business


def test_validate_all_skips_prefilled_fields():
    form = EForm(PREFILL_SPEC, prefilled=REGISTER, today=TODAY)
    assert form.validate_all({"dien_thoai": "0912345678"}) == {}


@pytest.mark.django_db
def test_validate_all_survives_tampered_json(units):
    answers = {
        "ho_ten": ["a"],
        "so_dinh_danh": 12,
        "ngay_sinh": {"x": 1},
        "gioi_tinh": None,
        "so_ban": True,
        "cam_doan": "yes",
        "dia_chi": "Ấp X",
        "thanh_vien": "nobody",
    }
    problems = eform().validate_all(answers)
    assert {"ho_ten", "so_dinh_danh", "ngay_sinh", "gioi_tinh", "so_ban", "dia_chi"} <= set(problems)


# --- summary ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_summary_display_values(units):
    steps = eform().summary(ANSWERS)
    assert [s.title for s in steps] == ["Người làm thủ tục", "Yêu cầu", "Địa chỉ", "Người cùng đi", "Giấy tờ"]
    rows = {r.name: r for s in steps for r in s.rows}
    assert rows["ngay_sinh"].display == "05/09/1965"
    assert rows["gioi_tinh"].display == "Nữ"
    assert rows["dan_toc"].display == "Khmer"
    assert rows["von"].display == "1.000.000"
    assert rows["cam_doan"].display == "Có"
    assert rows["ngay_hen"].display == ""
    assert rows["dia_chi"].display == "Ấp X, Xã Tân Đông, Tỉnh Tây Ninh"
    assert rows["thanh_vien"].lines == (
        "Họ và tên: Lê Văn Nam; Số định danh: " + PID + "; Ngày sinh: 01/02/1965",
    )
    assert rows["thanh_vien"].parts == (
        (("Họ và tên", "Lê Văn Nam"), ("Số định danh", PID), ("Ngày sinh", "01/02/1965")),
    )
    assert "tep_chung_sinh" not in rows
    assert steps[4].rows == []
    assert not any(r.from_register for r in rows.values())


def test_summary_marks_register_values():
    form = EForm(PREFILL_SPEC, prefilled=REGISTER, today=TODAY)
    rows = {
        r.name: r for s in form.summary({"ho_ten": "Kẻ Giả Mạo", "dien_thoai": "0912345678"}) for r in s.rows
    }
    assert rows["ho_ten"].from_register and rows["ho_ten"].display == "Trần Văn Bảy"
    assert not rows["dien_thoai"].from_register
    assert rows["gioi_tinh"].display == "Nam"


@pytest.mark.django_db
def test_summary_of_an_address_from_before_the_mergers(units):
    from motcua.org.models import AdministrativeUnit

    AdministrativeUnit.objects.create(
        code="70",
        name="Tỉnh Bình Phước",
        level="province",
        valid_from=dt.date(2004, 1, 1),
        valid_to=dt.date(2025, 6, 30),
    )
    form = eform()
    rows = {
        r.name: r
        for s in form.summary({"dia_chi": {"province": "70", "commune": "", "detail": "Ấp 1"}})
        for r in s.rows
    }
    assert rows["dia_chi"].display == "Ấp 1, Tỉnh Bình Phước"


# --- never raises ------------------------------------------------------------------------------------------------

NO_ADDRESS_STEPS = [0, 1, 3]
FIELD_KEYS = [
    "ho_ten",
    "so_dinh_danh",
    "ngay_sinh",
    "dien_thoai",
    "thu_dien_tu",
    "gioi_tinh",
    "so_ban",
    "von",
    "ma_bhxh",
    "ghi_chu",
    "dan_toc",
    "cam_doan",
    "ngay_hen",
    "thanh_vien-rows",
    "thanh_vien-0-tv_ho_ten",
    "thanh_vien-0-tv_so_dinh_danh",
    "thanh_vien-1-tv_ngay_sinh",
    "_remove_row_thanh_vien_",
]


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELD_KEYS), st.text(max_size=60), max_size=len(FIELD_KEYS)))
def test_random_text_never_breaks_cleaning(data):
    form = eform()
    for index in NO_ADDRESS_STEPS:
        values, step = form.clean_step(index, post(data))
        assert values is not None or step.errors or step.operation is not None
        if values is not None:
            assert set(values) == {f.name for f in form.steps[index].fields}
        for item in step.items:
            assert item.template


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(
        st.sampled_from(["dia_chi-province", "dia_chi-for", "dia_chi-commune", "dia_chi-detail"]),
        st.one_of(st.text(max_size=20), st.sampled_from(["80", "79", "25522", "25945", "28723", "00"])),
    )
)
def test_random_address_input_never_breaks_cleaning(units, data):
    values, step = eform().clean_step(2, post(data))
    assert values is not None or step.errors or step.pending
    assert step.items[0].template.endswith("_address.html")


# --- translations -----------------------------------------------------------------------------------------------


def test_every_message_has_a_vietnamese_translation():
    import re

    root = Path(eform_fields.__file__).parent
    sources = [root / "eforms.py", root / "eform_fields.py"]
    templates = sorted((root.parent / "templates" / "dossiers" / "eform").glob("*.html"))
    used = set()
    for path in sources:
        used |= set(re.findall(r'_\("((?:[^"\\]|\\.)*)"\)', path.read_text(encoding="utf-8")))
    for path in templates:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'{% translate "([^"]*)"', text)) | set(
            re.findall(r"{% translate '([^']*)'", text)
        )
    messages = load_messages()
    assert used - set(messages) == set()
    assert all(messages[m] for m in used)


@pytest.mark.django_db
def test_a_commune_added_later_is_offered_as_soon_as_it_is_saved(units, django_capture_on_commit_callbacks):
    """Unit lists are shared between requests through the cache; a saved change renews them."""
    from motcua.org.models import AdministrativeUnit

    tay_ninh = AdministrativeUnit.objects.get(level="province", code="80", valid_to__isnull=True)
    _values, form = eform().clean_step(2, post(ADDRESS, **{"dia_chi-commune": "99999"}))
    assert "dia_chi" in errors_of(form)  # the lists of Tây Ninh are now cached
    with django_capture_on_commit_callbacks(execute=True):
        AdministrativeUnit.objects.create(
            code="99999",
            name="Xã Thử Nghiệm",
            level="commune",
            parent=tay_ninh,
            valid_from=tay_ninh.valid_from,
        )
    values, form = eform().clean_step(2, post(ADDRESS, **{"dia_chi-commune": "99999"}))
    assert form.errors == {} and values["dia_chi"]["commune"] == "99999"
