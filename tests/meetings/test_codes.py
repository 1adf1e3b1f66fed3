"""Typed short codes and signed QR tokens (property tests for the code alphabet)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from motcua.meetings import codes


def test_alphabet_has_no_ambiguous_characters():
    assert not set(codes.ALPHABET) & codes.AMBIGUOUS
    assert len(set(codes.ALPHABET)) == len(codes.ALPHABET) == 31


@given(st.integers(min_value=0, max_value=200))
def test_new_codes_use_only_the_alphabet(_):
    code = codes.new_code()
    assert len(code) == codes.CODE_LENGTH
    assert set(code) <= set(codes.ALPHABET)


@given(st.text(alphabet=codes.ALPHABET, min_size=8, max_size=8), st.sampled_from(["", " ", "-", "  - "]))
def test_typing_is_forgiving_about_case_and_separators(code, sep):
    typed = (code[:4] + sep + code[4:]).lower()
    assert codes.normalise_code(typed) == code
    assert codes.normalise_code(codes.format_code(code)) == code


@given(st.text(min_size=0, max_size=12))
def test_anything_normalised_is_a_valid_code_or_none(text):
    result = codes.normalise_code(text)
    assert result is None or (len(result) == 8 and set(result) <= set(codes.ALPHABET))


@given(st.text(alphabet=codes.ALPHABET, min_size=7, max_size=7), st.sampled_from(sorted(codes.AMBIGUOUS)))
def test_an_ambiguous_character_makes_the_code_invalid(rest, bad):
    assert codes.normalise_code(rest + bad) is None


def test_a_token_round_trips_and_a_tampered_one_is_forged():
    token, key = codes.new_token()
    assert codes.unsign_token(token) == key
    assert codes.unsign_token(token[:-2] + ("AA" if token[-2:] != "AA" else "BB")) is None
    assert codes.unsign_token("not-a-token") is None
