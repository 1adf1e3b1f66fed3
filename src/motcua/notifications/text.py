"""Text helpers: recipients (normalise, mask), SMS text (ASCII folding, length cap), safe errors."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# --- Recipients -------------------------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s.\-()/]+")
_VN_MOBILE = re.compile(r"^0\d{9,10}$")
_INTERNATIONAL = re.compile(r"^\+[1-9]\d{7,14}$")


def normalise_phone(raw: str) -> str:
    """A Vietnamese number in national form (``0912345678``) or a foreign one in E.164 (``+33…``).

    ``+84 912 345 678``, ``84912345678`` and ``0912.345.678`` all become ``0912345678``.
    Returns ``""`` when the text is not a phone number.
    """
    text = _PHONE_SEPARATORS.sub("", raw or "")
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+84"):
        text = "0" + text[3:]
    elif text.startswith("84") and len(text) in (11, 12):
        text = "0" + text[2:]
    if _VN_MOBILE.match(text) or (_INTERNATIONAL.match(text) and not text.startswith("+84")):
        return text
    return ""


def normalise_email(raw: str) -> str:
    """The address stripped of spaces, or ``""`` when it is not a valid e-mail address."""
    text = (raw or "").strip()
    try:
        validate_email(text)
    except ValidationError:
        return ""
    return text


def mask_phone(phone: str) -> str:
    """``0912345678`` → ``0912***678``: enough to recognise a number, not enough to call it."""
    text = (phone or "").strip()
    if len(text) <= 7:
        return "***" + text[-2:] if len(text) > 2 else "***"
    return f"{text[:4]}***{text[-3:]}"


def mask_email(address: str) -> str:
    """``nguyen.van.a@example.vn`` → ``n***@example.vn``."""
    local, at, domain = (address or "").partition("@")
    if not at:
        return mask_phone(address)
    return f"{local[:1]}***@{domain}"


def mask_recipient(channel: str, recipient: str) -> str:
    return mask_email(recipient) if channel == "email" else mask_phone(recipient)


# --- Errors -----------------------------------------------------------------------------------

_DIGIT_RUNS = re.compile(r"\+?\d[\d\s.\-]{6,}\d")
_EMAILS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_BEARER = re.compile(r"(?i)(bearer|token|authorization|api[_-]?key|password)([\"':=\s]+)\S+")
ERROR_MAX_LENGTH = 250


def safe_error(text: str, *, secrets: tuple[str, ...] = ()) -> str:
    """A short error text fit for the database and logs: no secrets, no phone numbers or e-mail
    addresses (a provider's error body may echo the recipient), at most 250 characters."""
    text = " ".join(str(text or "").split())
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    text = _BEARER.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
    text = _EMAILS.sub(lambda m: mask_email(m.group(0)), text)
    text = _DIGIT_RUNS.sub(lambda m: mask_phone(re.sub(r"[\s.\-]", "", m.group(0))), text)
    if len(text) > ERROR_MAX_LENGTH:
        text = text[: ERROR_MAX_LENGTH - 1] + "…"
    return text


# --- SMS text ---------------------------------------------------------------------------------

# Characters that NFKD does not reduce to ASCII but have an obvious ASCII spelling.
_ASCII_SPELLING = str.maketrans(
    {
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "‘": "'",
        "’": "'",
        "‚": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "‑": "-",
        "−": "-",
        "•": "-",
        "…": "...",
        "₫": "d",
        "€": "EUR",
        "×": "x",
        "°": "o",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
    }
)
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def ascii_fold(text: str) -> str:
    """Vietnamese without diacritics, keeping case and punctuation: ``Hồ sơ đã nộp`` → ``Ho so da nop``.

    Whatever has no ASCII spelling is dropped, so the result is always plain ASCII.
    """
    text = (text or "").translate(_ASCII_SPELLING)
    decomposed = unicodedata.normalize("NFKD", text).translate(_ASCII_SPELLING)
    kept = []
    for ch in decomposed:
        if unicodedata.category(ch) == "Mn":
            continue
        if ch.isascii() and (ch.isprintable() or ch == "\n"):
            kept.append(ch)
        elif ch.isspace():
            kept.append(" ")
    return "".join(kept)


def tidy_lines(text: str) -> str:
    """Single spaces, no blank lines, no spaces at either end of a line."""
    lines = (_SPACES.sub(" ", line).strip() for line in (text or "").splitlines())
    return "\n".join(line for line in lines if line)


def truncate(text: str, limit: int, *, ellipsis: str = "…") -> str:
    """``text`` if it fits in ``limit`` characters, else cut (at a word when one is near) with an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= len(ellipsis):
        return text[:limit]
    room = limit - len(ellipsis)
    cut = text[:room]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space >= room * 0.8:
        cut = cut[:space]
    return cut.rstrip(" \n,;:.-") + ellipsis


def sms_text(text: str, *, ascii_only: bool, limit: int) -> str:
    """The text an SMS carries: tidied, folded to ASCII when ``ascii_only``, at most ``limit`` characters."""
    if ascii_only:
        text = ascii_fold(text)
    text = tidy_lines(text)
    return truncate(text, limit, ellipsis="..." if ascii_only else "…")
