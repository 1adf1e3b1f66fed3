"""Meetings in the API: the provincial app scans a slip (or takes the typed code), exchanges it
for a delegate key, then reads documents (watermarked), checks in and votes with
``Authorization: Bearer <key>``. Organisers (API token of an officer) read live attendance.
Errors are problem+json."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.security import HttpBearer

from motcua.accounts.api_auth import ApiTokenAuth
from motcua.core import ratelimit
from motcua.core.problem import problem_response
from motcua.meetings import selectors, services
from motcua.meetings.models import Delegate, DocumentVersion, Meeting, Notice, Poll

router = Router(tags=["meetings"])

STATUS_BY_REASON = {"forged": 403, "unknown": 403, "bad_code": 403, "too_many": 429, "already_voted": 409}


def _problem(error: services.MeetingError):
    return problem_response(
        status=STATUS_BY_REASON.get(error.reason, 403),
        title=error.message,
        type_=f"/problems/meetings/{error.reason}",
        reason=error.reason,
    )


class DelegateAuth(HttpBearer):
    """A delegate key from ``POST /meetings/access`` (valid until the meeting's recall)."""

    def authenticate(self, request, token):
        delegate = services.api_delegate(token)
        if delegate is not None:
            request.delegate = delegate
        return delegate


class AccessIn(Schema):
    token: str | None = None
    code: str | None = None


class MeetingOut(Schema):
    code: str
    title: str
    body: str
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    access_expires_at: dt.datetime


class AccessOut(Schema):
    key: str
    expires_at: dt.datetime
    meeting: MeetingOut
    delegate_name: str


class DocumentOut(Schema):
    version_id: int
    title: str
    agenda_item: str
    classification: str
    version: int
    pages: int
    changed_since_read: bool
    read: bool


class PollOut(Schema):
    id: int
    question: str
    secret: bool
    voted: bool


class DelegateOut(Schema):
    meeting: MeetingOut
    delegate_name: str
    checked_in_at: dt.datetime | None
    can_check_in: bool
    documents: list[DocumentOut]
    polls: list[PollOut]
    notices: list[str]


class VoteIn(Schema):
    choice: str


class AttendanceOut(Schema):
    members: int
    present_seats: int
    required: int
    quorate: bool
    present: list[str]


def _meeting(meeting: Meeting) -> dict:
    return {
        "code": meeting.code,
        "title": meeting.title,
        "body": meeting.body,
        "place": meeting.place,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "access_expires_at": meeting.access_expires_at,
    }


@router.post(
    "/meetings/access",
    response={200: AccessOut},
    auth=None,
    summary="Exchange a slip's QR token (or typed code) for a delegate key",
)
def access(request, payload: AccessIn):
    ip = ratelimit.client_ip(request)
    try:
        if payload.token:
            delegate = services.exchange_token(token=payload.token, ip=ip)
        else:
            delegate = services.enter_code(typed=payload.code or "", ip=ip)
    except services.MeetingError as error:
        return _problem(error)
    key = services.start_api_session(delegate=delegate)
    return 200, {
        "key": key,
        "expires_at": delegate.meeting.access_expires_at,
        "meeting": _meeting(delegate.meeting),
        "delegate_name": delegate.full_name,
    }


@router.get(
    "/meetings/me", response={200: DelegateOut}, auth=DelegateAuth(), summary="The delegate's meeting"
)
def me(request):
    delegate: Delegate = request.delegate
    rows = selectors.delegate_documents(delegate)
    return 200, {
        "meeting": _meeting(delegate.meeting),
        "delegate_name": delegate.full_name,
        "checked_in_at": delegate.checked_in_at,
        "can_check_in": delegate.checked_in_at is None and selectors.check_in_open(delegate.meeting),
        "documents": [
            {
                "version_id": r.version.pk,
                "title": r.document.title,
                "agenda_item": r.document.agenda_item.title,
                "classification": r.document.classification,
                "version": r.version.number,
                "pages": r.version.pages,
                "changed_since_read": r.changed_since_read,
                "read": r.opened_number == r.version.number,
            }
            for r in rows
            if r.version is not None
        ],
        "polls": [
            {"id": p.pk, "question": p.question, "secret": p.secret, "voted": v}
            for p, v in selectors.open_polls_for(delegate)
        ],
        "notices": list(Notice.objects.filter(delegate=delegate).values_list("text", flat=True)[:20]),
    }


@router.get(
    "/meetings/me/documents/{version_id}",
    auth=DelegateAuth(),
    summary="A document as PDF, each page watermarked with the delegate's name and the time",
)
def document(request, version_id: int):
    version = get_object_or_404(
        DocumentVersion.objects.select_related("document__agenda_item"), pk=version_id
    )
    try:
        data = services.open_version(
            delegate=request.delegate, version=version, ip=ratelimit.client_ip(request)
        )
    except services.MeetingError as error:
        return _problem(error)
    response = HttpResponse(data, content_type="application/pdf")
    response["Cache-Control"] = "no-store"
    return response


@router.post(
    "/meetings/me/check-in", response={204: None}, auth=DelegateAuth(), summary="Check in at the meeting"
)
def check_in(request):
    try:
        services.check_in(delegate=request.delegate, method=Delegate.CheckIn.QR)
    except services.MeetingError as error:
        return _problem(error)
    return 204, None


@router.post("/meetings/me/polls/{poll_id}/vote", response={204: None}, auth=DelegateAuth(), summary="Vote")
def vote(request, poll_id: int, payload: VoteIn):
    poll = get_object_or_404(Poll, pk=poll_id, agenda_item__meeting_id=request.delegate.meeting_id)
    try:
        services.cast_vote(poll=poll, delegate=request.delegate, choice=payload.choice)
    except services.MeetingError as error:
        return _problem(error)
    return 204, None


@router.get(
    "/meetings/{code}/attendance",
    response={200: AttendanceOut},
    auth=ApiTokenAuth(),
    summary="Live attendance and quorum (organisers)",
)
def attendance(request, code: str):
    meeting = get_object_or_404(Meeting, code=code)
    if not selectors.can_organise(request.auth, meeting):
        return problem_response(status=404, title=_("Not found"), type_="/problems/not-found")
    att = selectors.attendance(meeting)
    return 200, {
        "members": att.members,
        "present_seats": att.present_seats,
        "required": att.required,
        "quorate": att.quorate,
        "present": [d.full_name for d in att.present],
    }
