"""Credentials of delegates: typed short codes and signed one-time QR tokens.

Short code (mã truy cập): 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L),
printed as ``ABCD-EFGH``; typing is forgiving about case, spaces and dashes. Only a keyed hash
is stored (:func:`code_hash`).

QR token: a random id signed with the installation key (``django.core.signing``, its own salt).
The id's SHA-256 is the database key, so a stolen database does not yield working tokens and a
token that fails the signature is known to be forged rather than merely unknown.
"""

from __future__ import annotations

import hashlib
import secrets

from django.core import signing
from django.utils.crypto import salted_hmac

#: 31 characters: A–Z and 2–9 without 0, O, 1, I, L.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
AMBIGUOUS = frozenset("0O1IL")
TOKEN_SALT = "motcua.meetings.qr"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """``ABCDEFGH`` → ``ABCD-EFGH`` (easier to read aloud and to type)."""
    return f"{code[:4]}-{code[4:]}"


def normalise_code(typed: str) -> str | None:
    """The canonical code for what a person typed, or ``None`` when it cannot be one."""
    cleaned = "".join(ch for ch in (typed or "").upper() if not ch.isspace() and ch not in "-_.")
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def code_hash(code: str) -> str:
    return salted_hmac("motcua.meetings.code", code, algorithm="sha256").hexdigest()


def new_token() -> tuple[str, str]:
    """``(token for the QR, hash to store)``."""
    raw = secrets.token_urlsafe(18)
    return signing.dumps(raw, salt=TOKEN_SALT), key_hash(raw)


def key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_api_key() -> tuple[str, str]:
    """``(bearer key for the app, hash to store)`` — not signed: it never leaves the API."""
    raw = "mtg_" + secrets.token_urlsafe(24)
    return raw, key_hash(raw)


def unsign_token(token: str) -> str | None:
    """The hash of a token's random id, or ``None`` when the signature is wrong (forged)."""
    try:
        raw = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(raw, str):
        return None
    return key_hash(raw)
