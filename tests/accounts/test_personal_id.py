"""The 12-digit personal ID number: one test per rule and per kind of bad input."""

import datetime as dt
import string

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from motcua.accounts.personal_id import (
    FEMALE,
    MALE,
    PROVINCE_CODES,
    PersonalIdField,
    build_personal_id,
    parse_personal_id,
    validate_personal_id,
)

TODAY = dt.date(2026, 11, 28)


def parse(value, today=TODAY):
    return parse_personal_id(value, today=today)


def test_a_valid_number_is_decoded():
    info = parse("072090000001")
    assert info.valid
    assert info.reasons == []
    assert (info.province_code, info.province_name) == ("072", "Tây Ninh")
    assert (info.sex, info.birth_year, info.century) == (MALE, 1990, 1900)


def test_a_woman_born_in_the_2000s():
    info = parse("080301000123")
    assert info.valid
    assert (info.province_name, info.sex, info.birth_year, info.century) == ("Long An", FEMALE, 2001, 2000)


def test_spaces_are_ignored():
    info = parse(" 072 090\u00a0000 001\t")
    assert info.valid
    assert info.number == "072090000001"


def test_the_table_has_the_63_provinces_with_their_gaps():
    assert len(PROVINCE_CODES) == 63
    assert min(PROVINCE_CODES) == "001" and max(PROVINCE_CODES) == "096"
    assert PROVINCE_CODES["001"] == "Hà Nội"
    assert PROVINCE_CODES["002"] == "Hà Giang"
    assert PROVINCE_CODES["004"] == "Cao Bằng"
    assert PROVINCE_CODES["048"] == "Đà Nẵng"
    assert PROVINCE_CODES["079"] == "TP Hồ Chí Minh"
    assert PROVINCE_CODES["096"] == "Cà Mau"
    assert "003" not in PROVINCE_CODES


@pytest.mark.parametrize("value", ["", "   ", None, "\t\n"])
def test_empty(value):
    info = parse(value)
    assert not info.valid
    assert info.reason_codes == ["empty"]
    assert "12" in info.reasons[0][1]


@pytest.mark.parametrize(
    "value", ["07209000000A", "072.090.00.1", "０７２０９００００００１", "07209000000-", "٠٧٢٠٩٠٠٠٠٠٠١"]
)
def test_non_digits(value):
    info = parse(value)
    assert not info.valid
    assert "non_digit" in info.reason_codes
    assert info.province_code is None and info.birth_year is None


@pytest.mark.parametrize(("value", "length"), [("07209000000", 11), ("0720900000011", 13), ("1", 1)])
def test_wrong_length_says_how_many_were_entered(value, length):
    info = parse(value)
    assert info.reason_codes == ["length"]
    assert f" {length} " in info.reasons[0][1]
    assert "12" in info.reasons[0][1]


def test_letters_and_wrong_length_give_both_reasons():
    assert parse("abc").reason_codes == ["non_digit", "length"]


@pytest.mark.parametrize("code", ["000", "003", "097", "999"])
def test_unknown_province_code(code):
    info = parse(f"{code}090000001")
    assert not info.valid
    assert info.reason_codes == ["province"]
    assert code in info.reasons[0][1]
    assert info.province_name is None
    assert (info.sex, info.birth_year) == (MALE, 1990)  # the rest is still decoded


@pytest.mark.parametrize(
    ("digit", "century", "sex"),
    [
        (0, 1900, MALE),
        (1, 1900, FEMALE),
        (2, 2000, MALE),
        (3, 2000, FEMALE),
        (4, 2100, MALE),
        (5, 2100, FEMALE),
        (6, 2200, MALE),
        (7, 2200, FEMALE),
        (8, 2300, MALE),
        (9, 2300, FEMALE),
    ],
)
def test_century_and_sex_digit(digit, century, sex):
    info = parse(f"001{digit}05000001", today=dt.date(2400, 1, 1))
    assert (info.century, info.sex, info.birth_year) == (century, sex, century + 5)


def test_birth_year_in_the_future():
    info = parse("001227000001")  # 2027
    assert info.reason_codes == ["future_birth_year"]
    assert "2027" in info.reasons[0][1]
    assert parse("001226000001").valid  # 2026: this year is fine


def test_born_more_than_130_years_ago():
    assert parse("001000000001", today=dt.date(2030, 12, 31)).valid  # 1900, 130 years
    info = parse("001000000001", today=dt.date(2031, 1, 1))  # 131 years
    assert info.reason_codes == ["too_old"]
    assert "1900" in info.reasons[0][1]


def test_province_and_year_problems_are_both_reported():
    assert parse("003299000001").reason_codes == ["province", "future_birth_year"]


def test_defaults_to_todays_date():
    assert parse_personal_id("072090000001").valid
    next_year = build_personal_id(
        province_code="001", sex=MALE, birth_year=dt.date.today().year + 1, serial=1
    )
    assert parse_personal_id(next_year).reason_codes == ["future_birth_year"]


def test_validator_raises_one_error_per_rule_with_its_code():
    validate_personal_id("072090000001")
    with pytest.raises(ValidationError) as info:
        validate_personal_id("003299000001")
    assert [e.code for e in info.value.error_list] == ["province", "future_birth_year"]
    with pytest.raises(ValidationError) as info:
        validate_personal_id("12")
    assert [e.code for e in info.value.error_list] == ["length"]


def test_form_field_cleans_spaces_and_explains_problems():
    field = PersonalIdField()
    assert field.clean("072 090 000 001") == "072090000001"
    with pytest.raises(ValidationError) as info:
        field.clean("")
    assert "12" in info.value.messages[0]
    with pytest.raises(ValidationError) as info:
        field.clean("07209000000")
    assert info.value.error_list[0].code == "length"
    assert field.widget.attrs["inputmode"] == "numeric"


def test_build_personal_id_rejects_an_unencodable_year():
    with pytest.raises(ValueError):
        build_personal_id(province_code="001", sex=MALE, birth_year=1899, serial=1)


# --- Properties -------------------------------------------------------------------------------


@given(
    province=st.sampled_from(sorted(PROVINCE_CODES)),
    sex=st.sampled_from([MALE, FEMALE]),
    birth_year=st.integers(min_value=max(1900, TODAY.year - 130), max_value=TODAY.year),
    serial=st.integers(min_value=0, max_value=999_999),
)
def test_every_well_formed_number_is_valid_and_round_trips(province, sex, birth_year, serial):
    number = build_personal_id(province_code=province, sex=sex, birth_year=birth_year, serial=serial)
    info = parse(number)
    assert info.valid, info.reasons
    assert (info.number, info.province_code, info.province_name) == (
        number,
        province,
        PROVINCE_CODES[province],
    )
    assert (info.sex, info.birth_year, info.century) == (sex, birth_year, birth_year // 100 * 100)
    assert (
        build_personal_id(
            province_code=info.province_code, sex=info.sex, birth_year=info.birth_year, serial=number[6:]
        )
        == number
    )


@given(st.text(alphabet=string.digits, max_size=30).filter(lambda s: len(s) != 12 and s))
def test_every_digit_string_of_another_length_fails_on_length(value):
    info = parse(value)
    assert not info.valid
    assert info.reason_codes == ["length"]


@given(st.text(max_size=30))
def test_any_text_parses_without_error_and_only_12_ascii_digits_can_be_valid(value):
    info = parse(value)
    stripped = "".join(value.split())
    if info.valid:
        assert len(stripped) == 12 and stripped.isascii() and stripped.isdigit()
    elif not stripped:
        assert info.reason_codes == ["empty"]
    elif not (stripped.isascii() and stripped.isdigit()):
        assert "non_digit" in info.reason_codes
    elif len(stripped) != 12:
        assert info.reason_codes == ["length"]
