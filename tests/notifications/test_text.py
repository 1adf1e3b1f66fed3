"""SMS text (ASCII folding, length cap), masking and safe error texts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.notifications.text import (
    ascii_fold,
    mask_email,
    mask_phone,
    normalise_phone,
    safe_error,
    sms_text,
    truncate,
)

VIETNAMESE = "ĐđÂâĂăÊêÔôƠơƯưÁÀẢÃẠáàảãạẤẦẨẪẬấầẩẫậẮẰẲẴẶắằẳẵặÉÈẺẼẸéèẻẽẹỐỒỔỖỘốồổỗộỚỜỞỠỢớờởỡợỨỪỬỮỰứừửữựÝỲỶỸỴýỳỷỹỵ"


def test_vietnamese_is_folded_to_plain_ascii_keeping_case_and_punctuation():
    assert ascii_fold("Đăng ký khai sinh – Ủy ban nhân dân xã Hòa Thành") == (
        "Dang ky khai sinh - Uy ban nhan dan xa Hoa Thanh"
    )
    assert ascii_fold("Lệ phí: 50.000₫ “miễn” …") == 'Le phi: 50.000d "mien" ...'
    assert ascii_fold(VIETNAMESE).isascii()


def test_a_long_sms_is_cut_at_a_word_with_an_ellipsis():
    text = "Hồ sơ " + "rất dài " * 80
    folded = sms_text(text, ascii_only=True, limit=320)
    assert len(folded) <= 320
    assert folded.endswith(("rat...", "dai..."))  # a whole word before the ellipsis
    unfolded = sms_text(text, ascii_only=False, limit=320)
    assert len(unfolded) <= 320
    assert unfolded.endswith(("rất…", "dài…"))


def test_short_texts_are_only_tidied():
    assert sms_text("  Mã   xác thực:\n\n 123456  ", ascii_only=True, limit=320) == "Ma xac thuc:\n123456"
    assert truncate("abc", 3) == "abc"
    assert truncate("abcdef", 2) == "a…"
    assert truncate("abcdef", 3, ellipsis="...") == "abc"


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=st.characters(codec="utf-8"), max_size=2000)
    | st.text(alphabet=VIETNAMESE + " abc.,\n\t", max_size=1000),
    limit=st.integers(min_value=10, max_value=500),
)
def test_sms_text_always_fits_and_is_ascii_when_folding(text, limit):
    folded = sms_text(text, ascii_only=True, limit=limit)
    assert len(folded) <= limit
    assert folded.isascii()
    assert all(ch.isprintable() or ch == "\n" for ch in folded)
    assert len(sms_text(text, ascii_only=False, limit=limit)) <= limit


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=VIETNAMESE + "abcdefghij ", min_size=1, max_size=300))
def test_folding_keeps_the_length_of_vietnamese_words(text):
    # One letter stays one letter: an SMS cost estimate on the original text stays right.
    assert len(ascii_fold(text)) == len(text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084912345678", "0912345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("12345", ""),
        ("", ""),
        ("09123abc78", ""),
    ],
)
def test_phone_numbers_are_normalised(raw, expected):
    assert normalise_phone(raw) == expected


def test_masks():
    assert mask_phone("0912345678") == "0912***678"
    assert mask_phone("+33612345678") == "+336***678"
    assert mask_phone("12345") == "***45"
    assert mask_email("nguyen.van.a@example.vn") == "n***@example.vn"


def test_error_texts_carry_no_secrets_and_no_recipients():
    text = safe_error(
        "HTTP 401 Authorization: Bearer abc.def token=xyz for 0912 345 678 and a@b.vn " + "x" * 500,
        secrets=("abc.def",),
    )
    assert "abc.def" not in text
    assert "xyz" not in text
    assert "0912 345 678" not in text and "0912345678" not in text
    assert "0912***678" in text
    assert "a@b.vn" not in text
    assert len(text) <= 250
