"""Accounts API: the personal ID number checker (``GET /personal-ids/{number}``)."""

from __future__ import annotations

from ninja import Router, Schema

from motcua.accounts.personal_id import PersonalIdInfo, parse_personal_id

router = Router(tags=["personal-ids"])


class ReasonOut(Schema):
    code: str
    message: str


class PersonalIdOut(Schema):
    number: str
    valid: bool
    reasons: list[ReasonOut]
    province_code: str | None = None
    province_name: str | None = None
    sex: str | None = None
    birth_year: int | None = None


def _out(info: PersonalIdInfo) -> dict:
    return {
        "number": info.number,
        "valid": info.valid,
        "reasons": [{"code": code, "message": message} for code, message in info.reasons],
        "province_code": info.province_code,
        "province_name": info.province_name,
        "sex": info.sex,
        "birth_year": info.birth_year,
    }


@router.get("/personal-ids/{number}", response=PersonalIdOut, summary="Check a personal ID number")
def check_personal_id(request, number: str):
    """Decode the structure of a 12-digit personal ID number (số định danh cá nhân): province of
    birth registration, sex, birth year. Always 200: an invalid number comes back with
    ``valid: false`` and one reason per broken rule (``empty``, ``non_digit``, ``length``,
    ``province``, ``future_birth_year``, ``too_old``).

    This only checks structure — there is no check digit, and nothing is looked up, stored or
    written to the audit log.
    """
    return _out(parse_personal_id(number))
