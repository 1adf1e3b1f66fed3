"""Vietnamese text normalisation for search: no diacritics, no case, ``đ`` = ``d``."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str | None) -> str:
    """Return ``text`` lower-cased, without diacritics, with ``đ``→``d`` and single spaces.

    ``fold("Đăng ký khai sinh")`` == ``"dang ky khai sinh"``. Punctuation becomes a space so
    that codes such as ``1.001193`` are searchable as ``1 001193`` and as themselves (the caller
    keeps the raw code separately).
    """
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _NON_WORD.sub(" ", stripped.lower()).strip()


def tokens(text: str | None) -> list[str]:
    """Folded words of ``text``, in order, without duplicates."""
    seen: dict[str, None] = {}
    for word in fold(text).split():
        seen.setdefault(word, None)
    return list(seen)
