"""Accounts API: the personal ID number checker (``GET /personal-ids/{number}``) and token
login for the provincial mobile app (``POST``/``DELETE /auth/token``, ``GET /auth/me``)."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from motcua.accounts import api_auth
from motcua.accounts.api_auth import ApiTokenAuth, LoginLocked
from motcua.accounts.personal_id import PersonalIdInfo, parse_personal_id
from motcua.core.problem import problem_response

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


# --- Token login -----------------------------------------------------------------------------


class TokenIn(Schema):
    personal_id: str | None = Field(None, max_length=40, description="12-digit personal ID number (citizens)")
    username: str | None = Field(
        None, max_length=150, description="user name (officers), instead of personal_id"
    )
    password: str = Field(..., max_length=4096)
    client_name: str | None = Field(
        None, max_length=100, description="e.g. the app and device, shown to the user"
    )


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    personal_id: str | None = None
    assurance_level: int
    is_officer: bool


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: datetime.datetime
    user: UserOut


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str | None = None


def _user_out(user) -> dict:
    return {
        "id": user.pk,
        "username": user.get_username(),
        "full_name": user.full_name,
        "personal_id": user.personal_id,
        "assurance_level": user.assurance_level,
        "is_officer": user.is_officer,
    }


@router.post(
    "/auth/token",
    response={200: TokenOut, 401: ProblemOut, 422: ProblemOut, 429: ProblemOut},
    tags=["auth"],
    summary="Log in: get an API token",
)
def issue_token(request, payload: TokenIn):
    """Exchange a personal ID number (or user name) and password for a bearer token, valid for
    30 days. Send it as ``Authorization: Bearer <token>``. Wrong credentials give 401; five
    failures within 15 minutes for one login from one address give 429 (``Retry-After``)."""
    login = (payload.personal_id or payload.username or "").strip()
    if not login:
        return problem_response(
            status=422,
            title=_("The request has invalid values"),
            detail=_("Send personal_id (or username) and password."),
            type_="/problems/validation",
            errors=[
                {
                    "path": "personal_id",
                    "message": _("Enter the personal ID number or user name."),
                    "code": "missing",
                }
            ],
        )
    try:
        user = api_auth.authenticate_password(request, login=login, password=payload.password)
    except LoginLocked as locked:
        response = problem_response(
            status=429,
            title=_("Too many failed logins"),
            detail=_("Wait %(minutes)d minutes and try again, or log in with VNeID.")
            % {"minutes": locked.minutes},
            type_="/problems/too-many-attempts",
            retry_after=locked.retry_after,
        )
        response["Retry-After"] = str(locked.retry_after)
        return response
    if user is None:
        return problem_response(
            status=401,
            title=_("Wrong personal ID number or password"),
            detail=_("Check the personal ID number (or user name) and the password, then try again."),
            type_="/problems/invalid-credentials",
        )
    raw, token = api_auth.issue_token(user=user, name=payload.client_name or "")
    return {"token": raw, "token_type": "Bearer", "expires_at": token.expires_at, "user": _user_out(user)}


@router.delete(
    "/auth/token",
    auth=ApiTokenAuth(),
    response={204: None, 401: ProblemOut},
    tags=["auth"],
    summary="Log out",
)
def revoke_token(request):
    """Revoke the token this request is authenticated with."""
    api_auth.revoke_token(token=request.api_token)
    return HttpResponse(status=204)


@router.get(
    "/auth/me",
    auth=ApiTokenAuth(),
    response={200: UserOut, 401: ProblemOut},
    tags=["auth"],
    summary="Who am I",
)
def me(request):
    """The account the token belongs to."""
    return _user_out(request.auth)
