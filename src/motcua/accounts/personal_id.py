"""The 12-digit personal ID number (số định danh cá nhân), also the citizen ID card number.

Structure (Decree 137/2015, Circular 07/2016/TT-BCA and successors)::

    PPP G YY RRRRRR
    │   │ │  └ six random digits
    │   │ └ last two digits of the birth year
    │   └ century and sex: 0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s, 6/7 = 2200s, 8/9 = 2300s
    └ code of the province (or country) where the birth was registered — the 63 provinces
      before 2025; it does not change with the 2025 mergers

There is **no check digit**: a structurally valid number may still not belong to anybody. This
module only decodes structure; it never stores, logs or looks the number up.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

LENGTH = 12
MAX_AGE_YEARS = 130

#: Birth-registration province codes, Annex I of Circular 07/2016/TT-BCA (the 63 provinces
#: before 1 July 2025). The gaps (003, 005, 007, …) are not assigned.
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "TP Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

MALE = "male"
FEMALE = "female"

# Reason codes — stable, for clients and tests.
EMPTY = "empty"
NON_DIGIT = "non_digit"
LENGTH_REASON = "length"
PROVINCE = "province"
FUTURE_BIRTH_YEAR = "future_birth_year"
TOO_OLD = "too_old"

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class PersonalIdInfo:
    """What the structure of a personal ID number says. ``reasons`` holds ``(code, message)``
    pairs, empty when ``valid``. Decoded fields are ``None`` when the number is not 12 digits."""

    number: str
    valid: bool
    reasons: list[tuple[str, str]] = field(default_factory=list)
    province_code: str | None = None
    province_name: str | None = None
    sex: str | None = None
    birth_year: int | None = None
    century: int | None = None

    @property
    def reason_codes(self) -> list[str]:
        return [code for code, _message in self.reasons]


def normalise(value: str | None) -> str:
    """The number without spaces (also inner spaces, tabs, non-breaking spaces)."""
    return _WHITESPACE.sub("", value or "")


def century_sex_digit(birth_year: int, sex: str) -> str:
    """The fourth digit for a person born in ``birth_year`` (1900–2399) of ``sex``."""
    century_index = birth_year // 100 - 19
    if not 0 <= century_index <= 4:
        raise ValueError("birth year must be between 1900 and 2399")
    return str(century_index * 2 + (1 if sex == FEMALE else 0))


def build_personal_id(*, province_code: str, sex: str, birth_year: int, serial: str | int) -> str:
    """Compose a number from its parts — for tests and demo data."""
    return f"{province_code}{century_sex_digit(birth_year, sex)}{birth_year % 100:02d}{int(serial):06d}"


def parse_personal_id(value: str | None, *, today: datetime.date | None = None) -> PersonalIdInfo:
    """Decode and check ``value``. Never raises; a bad number gives ``valid=False`` and reasons.

    Checks: not empty; digits only; exactly 12 digits; a known province code; a birth year not
    in the future and not more than 130 years ago.
    """
    number = normalise(value)
    if not number:
        return PersonalIdInfo(number=number, valid=False, reasons=[(EMPTY, _empty_message())])

    reasons: list[tuple[str, str]] = []
    if not number.isascii() or not number.isdigit():
        reasons.append(
            (
                NON_DIGIT,
                _(
                    "The personal ID number contains only digits 0–9. Remove letters, dots, dashes "
                    "and other signs, and enter the 12 digits printed on the ID card."
                ),
            )
        )
    if len(number) != LENGTH:
        reasons.append(
            (
                LENGTH_REASON,
                _(
                    "Enter the personal ID number with exactly 12 digits; %(length)d characters were "
                    "entered. Check the number on the citizen ID card."
                )
                % {"length": len(number)},
            )
        )
    if reasons:
        return PersonalIdInfo(number=number, valid=False, reasons=reasons)

    today = today or timezone.localdate()
    province_code = number[:3]
    province_name = PROVINCE_CODES.get(province_code)
    if province_name is None:
        reasons.append(
            (
                PROVINCE,
                _(
                    "The first three digits (%(code)s) are not a province code of birth registration "
                    "(001–096). Check the first three digits on the ID card."
                )
                % {"code": province_code},
            )
        )
    digit = int(number[3])
    century = 1900 + (digit // 2) * 100
    sex = FEMALE if digit % 2 else MALE
    birth_year = century + int(number[4:6])
    if birth_year > today.year:
        reasons.append(
            (
                FUTURE_BIRTH_YEAR,
                _(
                    "The number gives %(year)d as the year of birth, which is in the future. "
                    "Check the fourth to sixth digits on the ID card."
                )
                % {"year": birth_year},
            )
        )
    elif today.year - birth_year > MAX_AGE_YEARS:
        reasons.append(
            (
                TOO_OLD,
                _(
                    "The number gives %(year)d as the year of birth, more than 130 years ago. "
                    "Check the fourth to sixth digits on the ID card."
                )
                % {"year": birth_year},
            )
        )
    return PersonalIdInfo(
        number=number,
        valid=not reasons,
        reasons=reasons,
        province_code=province_code,
        province_name=province_name,
        sex=sex,
        birth_year=birth_year,
        century=century,
    )


def _empty_message() -> str:
    return _("Enter the personal ID number: the 12 digits printed on the citizen ID card.")


def validate_personal_id(value: str | None) -> None:
    """Django validator: raise :class:`ValidationError` with one error per broken rule, each
    with its reason code (``empty``, ``non_digit``, ``length``, ``province``,
    ``future_birth_year``, ``too_old``)."""
    info = parse_personal_id(value)
    if not info.valid:
        raise ValidationError([ValidationError(message, code=code) for code, message in info.reasons])


class PersonalIdField(forms.CharField):
    """A form field for the personal ID number: accepts spaces, cleans to the 12 digits."""

    default_error_messages = {
        "required": gettext_lazy(
            "Enter the personal ID number: the 12 digits printed on the citizen ID card."
        )
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)  # room for spaces typed between groups
        kwargs.setdefault("label", gettext_lazy("Personal ID number"))
        kwargs.setdefault("help_text", gettext_lazy("12 digits, as printed on the citizen ID card."))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"})
        return attrs

    def to_python(self, value):
        return normalise(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        if value not in self.empty_values:
            validate_personal_id(value)
