"""Prefill from the population register — the one entry point the rest of motcua calls.

Rule 5 (minimal personal data): only citizens verified with the national e-ID (assurance
level 2) are prefilled, only the register fields the form uses are asked for, and every
question put to the register is written to :class:`~motcua.registers.models.RegisterLookup`
with a keyed digest of the personal ID instead of the number.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from django.conf import settings
from django.utils.translation import gettext as _

from motcua.registers.conf import get_conf
from motcua.registers.db import savepoint
from motcua.registers.models import RegisterLookup
from motcua.registers.ports import REGISTER_FIELDS, PopulationRegister, RegisterUnavailable, get_register

logger = logging.getLogger(__name__)

#: Assurance level of a citizen verified with the national e-ID (accounts.User.AssuranceLevel).
EID_VERIFIED = 2

Status = Literal["ok", "not_found", "unavailable", "not_eligible"]


@dataclass(frozen=True)
class PrefillResult:
    status: Status
    values: dict[str, Any] = field(default_factory=dict)  # form field name -> value, only fields with a value
    source: str = ""  # adapter code
    message: str = ""  # a plain Vietnamese sentence for the citizen when status != "ok"

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def hash_personal_id(personal_id: str) -> str:
    """The digest stored instead of the personal ID number: HMAC-SHA-256 keyed with a key
    derived from ``SECRET_KEY``, 64 hex digits. Keyed because a plain SHA-256 of a 12-digit
    number whose first six digits are guessable is reversed by brute force in minutes."""
    key = hashlib.sha256(f"motcua.registers.lookup:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, personal_id.encode(), hashlib.sha256).hexdigest()


def _message(status: Status) -> str:
    if status == "not_eligible":
        return _(
            "Log in with your national e-ID (VNeID, level 2) to have this form filled in from the "
            "national population database. You can also fill it in yourself."
        )
    if status == "not_found":
        return _(
            "Your details were not found in the national population database, so the form has not "
            "been filled in. Please fill it in yourself; the officer will check it against your papers."
        )
    if status == "unavailable":
        return _(
            "The national population database cannot be reached right now, so the form has not been "
            "filled in. Please fill it in yourself or try again in a few minutes."
        )
    return ""


def _configured_code() -> str:
    try:
        return get_conf().adapter
    except Exception:  # a broken setting is reported when the adapter is built
        return ""


def _is_personal_id(value: str) -> bool:
    return len(value) == 12 and value.isascii() and value.isdigit()


def prefill(
    *,
    personal_id: str | None,
    assurance_level: int,
    wanted: Mapping[str, str],
    register: PopulationRegister | None = None,
) -> PrefillResult:
    """wanted maps form-field name -> register field key. Only level-2 (e-ID verified) citizens
    are prefilled (status not_eligible otherwise, no lookup made). Only the register fields in
    `wanted` are requested. Register down -> 'unavailable' (and logged), person missing ->
    'not_found'; never raises.

    ``register`` replaces the configured adapter (tests). Register keys outside
    :data:`REGISTER_FIELDS` are ignored with a warning in the log.
    """
    try:
        source = register.code if register is not None else _configured_code()
        if assurance_level < EID_VERIFIED or not personal_id:
            return PrefillResult("not_eligible", {}, source, _message("not_eligible"))

        unknown = sorted({key for key in wanted.values() if key not in REGISTER_FIELDS})
        if unknown:
            logger.warning("prefill: ignoring unknown register fields %s", ", ".join(unknown))
        fields = [key for key in REGISTER_FIELDS if key in set(wanted.values())]
        personal_id = "".join(personal_id.split())

        try:
            register = register or get_register()
        except Exception:
            logger.exception("prefill: the population register is not configured correctly")
            return PrefillResult("unavailable", {}, source, _message("unavailable"))
        source = register.code

        if not fields:
            return PrefillResult("ok", {}, source, "")
        if not _is_personal_id(personal_id):
            return PrefillResult("not_found", {}, source, _message("not_found"))

        started = time.monotonic()
        data: dict[str, Any] | None = None
        try:
            data = register.lookup(personal_id, fields)
            outcome = RegisterLookup.Outcome.OK if data is not None else RegisterLookup.Outcome.NOT_FOUND
        except RegisterUnavailable as exc:
            logger.warning("prefill: population register %r unavailable: %s", source, exc)
            outcome = RegisterLookup.Outcome.UNAVAILABLE
        except Exception:
            logger.exception("prefill: population register %r failed", source)
            outcome = RegisterLookup.Outcome.UNAVAILABLE
        duration_ms = round((time.monotonic() - started) * 1000)

        try:
            with savepoint():
                RegisterLookup.objects.create(
                    adapter=source,
                    personal_id_hash=hash_personal_id(personal_id),
                    fields=fields,
                    outcome=outcome,
                    duration_ms=duration_ms,
                )
        except Exception:
            # No record, no data: personal data is not handed out unaccounted for.
            logger.exception("prefill: could not record the register lookup")
            return PrefillResult("unavailable", {}, source, _message("unavailable"))

        if outcome == RegisterLookup.Outcome.UNAVAILABLE:
            return PrefillResult("unavailable", {}, source, _message("unavailable"))
        if data is None:
            return PrefillResult("not_found", {}, source, _message("not_found"))
        values = {
            form_field: data[key]
            for form_field, key in wanted.items()
            if key in fields and data.get(key) not in (None, "", [])
        }
        return PrefillResult("ok", values, source, "")
    except Exception:  # pragma: no cover - a last guard: prefill never breaks the form
        logger.exception("prefill: unexpected error")
        return PrefillResult("unavailable", {}, "", _message("unavailable"))


def register_birth(*, full_name: str, birth_date: str, sex: str) -> str:
    """Ask the population register for a newborn's personal ID number (when a birth is
    registered) and return it. ``MOTCUA_PERSONAL_ID_PROVINCE`` gives the province's three-digit
    code (072 for Tây Ninh). Raises RegisterUnavailable, or ValueError for a bad date or name."""
    import datetime as dt

    from motcua.core import audit

    if not full_name.strip():
        raise ValueError("a newborn needs a name")
    dt.date.fromisoformat(birth_date)
    province = str(getattr(settings, "MOTCUA_PERSONAL_ID_PROVINCE", "072"))
    number = get_register().register_birth(
        full_name=full_name.strip(), birth_date=birth_date, sex=sex, province_code=province
    )
    audit.record(action="registers.birth", obj=None, changes={"personal_id_hash": hash_personal_id(number)})
    return number
