"""Writes of the meetings app. Keyword-only, one transaction each, every change audited.

Refusals raise :class:`MeetingError` with a message for people and a short ``reason`` code;
refusals of access (tokens, codes, documents, votes) are also written to the read audit
(:class:`~motcua.meetings.models.AccessEvent`) — in their own transaction, so the refusal is
recorded while nothing else changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import audit, calendar, ratelimit
from motcua.meetings import codes, pdf, selectors
from motcua.meetings.models import (
    AccessEvent,
    AccessToken,
    AgendaItem,
    Ballot,
    Conclusion,
    Delegate,
    Document,
    DocumentVersion,
    Meeting,
    Notice,
    PaperItem,
    Poll,
    SecretTally,
)

#: State-secret levels (Law 117/2025/QH15): never uploaded — the module runs on networked phones.
SECRET_LEVELS = {
    "mat": "Mật",
    "toi_mat": "Tối mật",
    "tuyet_mat": "Tuyệt mật",
}
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
WRONG_CODE_LIMIT = 20  # wrong typed codes per address…
WRONG_CODE_WINDOW = 600  # …per 10 minutes (31^8 codes: guessing stays hopeless)

QUORUM_BY_BODY = {
    # Law on the Organisation of Local Government: a council session needs two thirds.
    Meeting.Body.PEOPLES_COUNCIL: (2, 3),
    Meeting.Body.CONGRESS: (2, 3),
    Meeting.Body.PEOPLES_COMMITTEE: (1, 2),
    Meeting.Body.DEPARTMENT: (1, 2),
}


class MeetingError(Exception):
    """A refused action; ``message`` is for the person, ``reason`` a stable code."""

    def __init__(self, message: str, reason: str = "invalid"):
        self.message = str(message)
        self.reason = reason
        super().__init__(self.message)


def refusal_message(reason: str) -> str:
    messages = {
        "forged": _(
            "This QR code is not valid. Check that you scanned the code printed on your access slip."
        ),
        "unknown": _(
            "This QR code is not valid. Check that you scanned the code printed on your access slip."
        ),
        "used": _(
            "This QR code has already been used. Ask the organiser for a new slip, or enter the typed code from your slip."
        ),
        "revoked": _("Your access to this meeting has been withdrawn. Please contact the organiser."),
        "expired": _("The meeting is over and its documents are no longer available."),
        "bad_code": _("This code is not right. Type the 8 characters printed on your access slip."),
        "not_audience": _("This document is not shared with you."),
        "other_meeting": _("This document belongs to another meeting."),
        "not_public": _("This document is not public."),
        "poll_not_open": _("Voting on this question is not open."),
        "not_member": _("Only members (or their substitutes) vote."),
        "not_checked_in": _("Check in at the meeting before voting."),
        "already_voted": _("Your vote on this question has already been recorded."),
        "check_in_closed": _("Check-in opens two hours before the meeting starts and closes at its end."),
        "too_many": _("Too many attempts. Wait a few minutes and try again."),
    }
    return messages.get(reason, _("This action is not allowed."))


def refuse(
    reason: str,
    *,
    meeting: Meeting | None,
    delegate: Delegate | None = None,
    version=None,
    assisted_by=None,
    ip: str | None = None,
) -> MeetingError:
    """Write the refusal to the audit (committed on its own) and return the error to raise."""
    if meeting is not None:
        AccessEvent.objects.create(
            meeting=meeting,
            delegate=delegate,
            version=version,
            action=AccessEvent.Action.REFUSED,
            reason=reason,
            assisted_by=assisted_by if getattr(assisted_by, "is_authenticated", False) else None,
            ip_address=ip,
        )
    audit.record(
        action="meetings.access_refused",
        object_type="meetings.meeting",
        object_id=str(meeting.pk) if meeting else "",
        object_repr=str(meeting)[:300] if meeting else "",
        changes={"reason": reason, "delegate": delegate.pk if delegate else None},
    )
    return MeetingError(refusal_message(reason), reason)


# --- Meetings, agenda, delegates ----------------------------------------------------------------


def _new_meeting_code() -> str:
    while True:
        code = "H" + "".join(secrets.choice(codes.ALPHABET) for _ in range(6))
        if not Meeting.objects.filter(code=code).exists():
            return code


def create_meeting(
    *,
    organiser,
    agency,
    title: str,
    body: str,
    place: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    access_hours_after_end: int = 24,
    is_urgent: bool = False,
) -> Meeting:
    """Create a meeting at ``agency``; the organiser must hold ``meeting_organiser`` there."""
    if not selectors.can_organise_at(organiser, agency):
        raise MeetingError(_("You do not organise meetings at this agency."), "forbidden")
    if ends_at <= starts_at:
        raise MeetingError(_("The meeting must end after it starts."), "bad_times")
    numerator, denominator = QUORUM_BY_BODY.get(body, (1, 2))
    with transaction.atomic():
        meeting = Meeting.objects.create(
            code=_new_meeting_code(),
            title=title,
            body=body,
            agency=agency,
            organiser=organiser,
            place=place,
            starts_at=starts_at,
            ends_at=ends_at,
            access_hours_after_end=access_hours_after_end,
            is_urgent=is_urgent,
            quorum_numerator=numerator,
            quorum_denominator=denominator,
        )
        audit.record(action="meetings.created", obj=meeting, actor=organiser)
    return meeting


EDITABLE_FIELDS = ("title", "place", "starts_at", "ends_at", "access_hours_after_end", "is_urgent")


def update_meeting(*, meeting: Meeting, actor, **changes) -> Meeting:
    """Change the title, place, times, recall delay or urgency; slips and app keys follow the
    new recall time."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    starts = changes.get("starts_at", meeting.starts_at)
    ends = changes.get("ends_at", meeting.ends_at)
    if ends <= starts:
        raise MeetingError(_("The meeting must end after it starts."), "bad_times")
    with transaction.atomic():
        before = {k: str(getattr(meeting, k)) for k in changes}
        for field, value in changes.items():
            setattr(meeting, field, value)
        meeting.save(update_fields=list(changes))
        AccessToken.objects.filter(meeting=meeting, revoked_at__isnull=True).update(
            expires_at=meeting.access_expires_at
        )
        audit.record(
            action="meetings.updated",
            obj=meeting,
            actor=actor,
            changes={k: [before[k], str(v)] for k, v in changes.items() if before[k] != str(v)},
        )
    return meeting


def add_agenda_item(
    *, meeting: Meeting, title: str, actor, has_paper_secret_documents: bool = False
) -> AgendaItem:
    with transaction.atomic():
        order = meeting.agenda_items.count() + 1
        item = AgendaItem.objects.create(
            meeting=meeting, order=order, title=title, has_paper_secret_documents=has_paper_secret_documents
        )
        audit.record(action="meetings.agenda_item_added", obj=item, actor=actor)
    return item


def add_delegate(
    *,
    meeting: Meeting,
    full_name: str,
    actor,
    position: str = "",
    group: str = Delegate.Group.MEMBER,
    substitute_for: Delegate | None = None,
) -> Delegate:
    """Invite a person. A substitute (người dự thay) sits in a member's seat and is a member."""
    if substitute_for is not None:
        if substitute_for.meeting_id != meeting.pk or substitute_for.substitute_for_id:
            raise MeetingError(_("A substitute replaces a member of this meeting."), "bad_substitute")
        if substitute_for.group != Delegate.Group.MEMBER:
            raise MeetingError(_("A substitute replaces a member of this meeting."), "bad_substitute")
        group = Delegate.Group.MEMBER
    with transaction.atomic():
        delegate = Delegate.objects.create(
            meeting=meeting,
            full_name=full_name,
            position=position,
            group=group,
            substitute_for=substitute_for,
        )
        audit.record(action="meetings.delegate_added", obj=delegate, actor=actor)
    return delegate


def send_invitations(*, meeting: Meeting, actor, now: dt.datetime | None = None) -> bool:
    """Record that the invitations went out; return True when that is late (3 working days)."""
    now = now or timezone.now()
    with transaction.atomic():
        meeting.invitations_sent_at = now
        meeting.save(update_fields=["invitations_sent_at"])
        late = selectors.invitation_late(meeting)
        audit.record(action="meetings.invitations_sent", obj=meeting, actor=actor, changes={"late": late})
    return late


# --- Credentials: slips, tokens, codes -----------------------------------------------------------


def issue_slip(*, delegate: Delegate, actor, now: dt.datetime | None = None) -> tuple[str, str]:
    """A fresh QR token and typed code for ``delegate``; earlier slips stop working.

    Returns ``(token, code)`` — shown once, on the printed slip; only their hashes are kept.
    """
    now = now or timezone.now()
    meeting = delegate.meeting
    with transaction.atomic():
        AccessToken.objects.filter(
            delegate=delegate, purpose=AccessToken.Purpose.SLIP, revoked_at__isnull=True, used_at__isnull=True
        ).update(revoked_at=now)
        token, key = codes.new_token()
        AccessToken.objects.create(
            meeting=meeting,
            delegate=delegate,
            purpose=AccessToken.Purpose.SLIP,
            key_hash=key,
            expires_at=meeting.access_expires_at,
        )
        for _attempt in range(5):
            code = codes.new_code()
            try:
                with transaction.atomic():
                    delegate.code_hash = codes.code_hash(code)
                    delegate.save(update_fields=["code_hash"])
                break
            except IntegrityError:  # another delegate holds this code: draw again
                continue
        else:  # pragma: no cover - 31^8 codes
            raise MeetingError(_("No free access code could be drawn; try again."), "no_code")
        audit.record(action="meetings.slip_issued", obj=delegate, actor=actor)
    return token, code


def _delegate_usable(delegate: Delegate, now: dt.datetime) -> str | None:
    if delegate.revoked_at is not None:
        return "revoked"
    if selectors.access_expired(delegate.meeting, now):
        return "expired"
    return None


def _mark_present(delegate: Delegate, *, method: str, now: dt.datetime, by=None, assisted_by=None) -> bool:
    """Check in (inside the window, once); True when this call checked the delegate in."""
    if delegate.checked_in_at is not None or not selectors.check_in_open(delegate.meeting, now):
        return False
    updated = Delegate.objects.filter(pk=delegate.pk, checked_in_at__isnull=True).update(
        checked_in_at=now, check_in_method=method, checked_in_by=by, assisted_by=assisted_by
    )
    if updated:
        delegate.refresh_from_db()
        audit.record(
            action="meetings.checked_in",
            obj=delegate,
            actor=by or assisted_by,
            changes={"method": method, "assisted_by": getattr(assisted_by, "pk", None)},
        )
    return bool(updated)


def exchange_token(*, token: str, ip: str | None = None, now: dt.datetime | None = None) -> Delegate:
    """Burn a slip's one-time QR token and return its delegate (checked in if the meeting is on).

    Refused — audited, nothing else changed — when forged, unknown, used, revoked or expired.
    """
    now = now or timezone.now()
    key = codes.unsign_token(token)
    if key is None:
        raise refuse("forged", meeting=None, ip=ip)
    row = (
        AccessToken.objects.select_related("delegate__meeting")
        .filter(key_hash=key, purpose=AccessToken.Purpose.SLIP)
        .first()
    )
    if row is None:
        raise refuse("unknown", meeting=None, ip=ip)
    delegate = row.delegate
    reason = None
    if row.revoked_at is not None:
        reason = "revoked"
    elif row.used_at is not None:
        reason = "used"
    elif row.expires_at <= now:
        reason = "expired"
    reason = reason or _delegate_usable(delegate, now)
    if reason:
        raise refuse(reason, meeting=delegate.meeting, delegate=delegate, ip=ip)
    with transaction.atomic():
        # The conditional update is the single-use guard: of two racing scans, one wins.
        if not AccessToken.objects.filter(pk=row.pk, used_at__isnull=True, revoked_at__isnull=True).update(
            used_at=now
        ):
            transaction.set_rollback(True)
            used = True
        else:
            used = False
            AccessEvent.objects.create(
                meeting=delegate.meeting,
                delegate=delegate,
                action=AccessEvent.Action.TOKEN_EXCHANGED,
                at=now,
                ip_address=ip,
            )
            _mark_present(delegate, method=Delegate.CheckIn.QR, now=now)
    if used:
        raise refuse("used", meeting=delegate.meeting, delegate=delegate, ip=ip)
    return delegate


def staff_scan(*, token: str, by, now: dt.datetime | None = None) -> Delegate | None:
    """An organiser at the door scans a delegate's slip: check the delegate in without burning
    the token (the delegate still opens their documents with it). ``None`` when ``by`` does not
    organise that meeting — the scan is then an ordinary delegate scan."""
    now = now or timezone.now()
    key = codes.unsign_token(token)
    row = None
    if key is not None:
        row = (
            AccessToken.objects.select_related("delegate__meeting__agency")
            .filter(key_hash=key, purpose=AccessToken.Purpose.SLIP)
            .first()
        )
    if row is None or not selectors.can_organise(by, row.delegate.meeting):
        return None
    delegate = row.delegate
    reason = "revoked" if row.revoked_at else None
    reason = reason or _delegate_usable(delegate, now)
    if reason is None and not selectors.check_in_open(delegate.meeting, now):
        reason = "check_in_closed"
    if reason:
        raise refuse(reason, meeting=delegate.meeting, delegate=delegate)
    with transaction.atomic():
        _mark_present(delegate, method=Delegate.CheckIn.QR, now=now, by=by)
    return delegate


def enter_code(
    *, typed: str, ip: str | None = None, assisted_by=None, now: dt.datetime | None = None
) -> Delegate:
    """Open a delegate's access by the typed code on the slip (reusable until the recall).

    ``assisted_by``: the helper who types it for the delegate (helper mode) — recorded on the
    check-in and on every document the helper then opens for them.
    """
    now = now or timezone.now()
    # Only wrong codes count: a hall of delegates behind one address types many right ones.
    if ip and ratelimit.blocked("meetings-code", ip, limit=WRONG_CODE_LIMIT):
        raise refuse("too_many", meeting=None, ip=ip)
    code = codes.normalise_code(typed)
    delegate = None
    if code is not None:
        delegate = Delegate.objects.select_related("meeting").filter(code_hash=codes.code_hash(code)).first()
    if delegate is None:
        if ip:
            ratelimit.hit("meetings-code", ip, limit=WRONG_CODE_LIMIT, window=WRONG_CODE_WINDOW)
        raise refuse("bad_code", meeting=None, ip=ip)
    reason = _delegate_usable(delegate, now)
    if reason:
        raise refuse(reason, meeting=delegate.meeting, delegate=delegate, assisted_by=assisted_by, ip=ip)
    with transaction.atomic():
        AccessEvent.objects.create(
            meeting=delegate.meeting,
            delegate=delegate,
            action=AccessEvent.Action.CODE_USED,
            at=now,
            assisted_by=assisted_by,
            ip_address=ip,
        )
        if assisted_by is not None:
            _mark_present(delegate, method=Delegate.CheckIn.ASSISTED, now=now, assisted_by=assisted_by)
        else:
            _mark_present(delegate, method=Delegate.CheckIn.CODE, now=now)
    return delegate


def check_in(
    *, delegate: Delegate, method: str, by=None, assisted_by=None, now: dt.datetime | None = None
) -> Delegate:
    """Check a delegate in: themselves on their page, by staff at the door, or by a helper."""
    now = now or timezone.now()
    reason = _delegate_usable(delegate, now)
    if reason is None and not selectors.check_in_open(delegate.meeting, now):
        reason = "check_in_closed"
    if reason:
        raise refuse(reason, meeting=delegate.meeting, delegate=delegate, assisted_by=assisted_by)
    with transaction.atomic():
        _mark_present(delegate, method=method, now=now, by=by, assisted_by=assisted_by)
    return delegate


def check_in_by_code(*, meeting: Meeting, typed: str, by, now: dt.datetime | None = None) -> Delegate:
    """Staff at the door type the code from a delegate's slip."""
    code = codes.normalise_code(typed)
    delegate = None
    if code is not None:
        delegate = meeting.delegates.select_related("meeting").filter(code_hash=codes.code_hash(code)).first()
    if delegate is None:
        raise refuse("bad_code", meeting=meeting)
    return check_in(delegate=delegate, method=Delegate.CheckIn.CODE, by=by, now=now)


def revoke_delegate(*, delegate: Delegate, actor, now: dt.datetime | None = None) -> Delegate:
    """Withdraw one delegate's access at once: their sessions, tokens and code stop working."""
    now = now or timezone.now()
    with transaction.atomic():
        delegate.revoked_at = now
        delegate.code_hash = None
        delegate.save(update_fields=["revoked_at", "code_hash"])
        AccessToken.objects.filter(delegate=delegate, revoked_at__isnull=True).update(revoked_at=now)
        audit.record(action="meetings.delegate_revoked", obj=delegate, actor=actor)
    return delegate


def start_api_session(*, delegate: Delegate, now: dt.datetime | None = None) -> str:
    """A bearer key for the provincial app, valid until the meeting's recall."""
    now = now or timezone.now()
    key, key_hash = codes.new_api_key()
    with transaction.atomic():
        AccessToken.objects.create(
            meeting=delegate.meeting,
            delegate=delegate,
            purpose=AccessToken.Purpose.API,
            key_hash=key_hash,
            expires_at=delegate.meeting.access_expires_at,
        )
    return key


def api_delegate(key: str, now: dt.datetime | None = None) -> Delegate | None:
    now = now or timezone.now()
    row = (
        AccessToken.objects.select_related("delegate__meeting")
        .filter(
            key_hash=codes.key_hash(key),
            purpose=AccessToken.Purpose.API,
            revoked_at__isnull=True,
            expires_at__gt=now,
        )
        .first()
    )
    if row is None or _delegate_usable(row.delegate, now):
        return None
    return row.delegate


# --- Documents ---------------------------------------------------------------------------------


def _store(meeting: Meeting, uploaded) -> tuple[str, bytes, int, str]:
    data = uploaded.read()
    if len(data) > MAX_UPLOAD_BYTES:
        raise MeetingError(_("The file is larger than 50 MB."), "too_large")
    try:
        pages = pdf.page_count(data)
    except pdf.NotAPdf:
        raise MeetingError(_("Upload a PDF file that opens without a password."), "not_pdf") from None
    mark = pdf.secrecy_mark(data)
    if mark:
        audit.record(
            action="meetings.secret_upload_refused",
            obj=meeting,
            changes={"mark": mark, "file": getattr(uploaded, "name", "")[:200]},
        )
        raise MeetingError(
            _(
                "The first page carries the secrecy mark “%(level)s”: such documents cannot be uploaded. "
                "Hand them out on paper in the room and record the hand-out and return here."
            )
            % {"level": mark},
            "secret",
        )
    sha = hashlib.sha256(data).hexdigest()
    name = pdf.save(f"meetings/{meeting.code}/{secrets.token_hex(12)}.pdf", data)
    return name, data, pages, sha


def upload_document(
    *,
    agenda_item: AgendaItem,
    title: str,
    classification: str,
    uploaded,
    actor,
    groups: list[str] | None = None,
    named: list[Delegate] | None = None,
) -> Document:
    """Add a document (version 1) to an agenda item.

    State-secret classifications are refused with the reason and the refusal is audited: the
    law keeps such documents off networked systems; record paper copies instead.
    """
    meeting = agenda_item.meeting
    if classification in SECRET_LEVELS:
        audit.record(
            action="meetings.secret_upload_refused",
            obj=agenda_item,
            actor=actor,
            changes={"classification": classification, "title": title[:200]},
        )
        raise MeetingError(
            _(
                "Documents classified “%(level)s” cannot be uploaded: the law on protecting state secrets "
                "keeps them off networked systems. Hand them out on paper in the room and record the "
                "hand-out and return here."
            )
            % {"level": SECRET_LEVELS[classification]},
            "secret",
        )
    if classification not in Document.Classification.values:
        raise MeetingError(_("Choose a classification."), "bad_classification")
    groups = [g for g in (groups or []) if g in Delegate.Group.values]
    named = list(named or [])
    if any(d.meeting_id != meeting.pk for d in named):
        raise MeetingError(_("Named delegates must be invited to this meeting."), "bad_delegate")
    if classification == Document.Classification.RESTRICTED and not groups and not named:
        raise MeetingError(_("A restricted document needs named delegates or groups."), "no_audience")
    name, _data, pages, sha = _store(meeting, uploaded)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                agenda_item=agenda_item,
                title=title,
                classification=classification,
                groups=groups,
                current_version=1,
            )
            document.named_delegates.set(named)
            DocumentVersion.objects.create(
                document=document,
                number=1,
                file_name=name,
                original_name=getattr(uploaded, "name", "")[:255],
                sha256=sha,
                pages=pages,
                size=len(_data),
                uploaded_by=actor,
            )
            audit.record(
                action="meetings.document_uploaded", obj=document, actor=actor, changes={"sha256": sha}
            )
    except Exception:
        pdf.delete(name)  # no orphan file
        raise
    return document


def add_version(*, document: Document, uploaded, actor, note: str = "") -> DocumentVersion:
    """Upload a new version; delegates who read an older one get "changed since you read it"."""
    meeting = document.agenda_item.meeting
    name, data, pages, sha = _store(meeting, uploaded)
    try:
        with transaction.atomic():
            locked = Document.objects.select_for_update().get(pk=document.pk)
            number = locked.current_version + 1
            version = DocumentVersion.objects.create(
                document=locked,
                number=number,
                file_name=name,
                original_name=getattr(uploaded, "name", "")[:255],
                sha256=sha,
                pages=pages,
                size=len(data),
                note=note,
                uploaded_by=actor,
            )
            locked.current_version = number
            locked.save(update_fields=["current_version"])
            readers = set(
                AccessEvent.objects.filter(
                    version__document=locked, action=AccessEvent.Action.OPENED, delegate__isnull=False
                ).values_list("delegate_id", flat=True)
            )
            text = _("“%(title)s” has changed since you read it: version %(number)s.") % {
                "title": locked.title,
                "number": number,
            }
            if note:
                text = f"{text} {note}"
            Notice.objects.bulk_create([Notice(delegate_id=pk, text=text[:400]) for pk in readers])
            audit.record(
                action="meetings.document_version_added",
                obj=locked,
                actor=actor,
                changes={"version": number, "sha256": sha, "notified": len(readers)},
            )
    except Exception:
        pdf.delete(name)
        raise
    document.current_version = number
    return version


def open_version(
    *,
    delegate: Delegate,
    version: DocumentVersion,
    assisted_by=None,
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> bytes:
    """The PDF of ``version`` watermarked for ``delegate``; the opening is audited.

    Refused (and audited) for a delegate outside the audience, revoked, or after the recall.
    """
    now = now or timezone.now()
    delegate = Delegate.objects.select_related("meeting").get(pk=delegate.pk)  # fresh revocation state
    reason = selectors.refusal_reason(delegate, version.document, now)
    if reason:
        raise refuse(
            reason,
            meeting=delegate.meeting,
            delegate=delegate,
            version=version,
            assisted_by=assisted_by,
            ip=ip,
        )
    helper = assisted_by if getattr(assisted_by, "is_authenticated", False) else None
    line = pdf.watermark_line(
        name=delegate.full_name,
        meeting_code=delegate.meeting.code,
        at=now,
        helper=str(helper) if helper else "",
    )
    stamped = pdf.watermark(pdf.read(version.file_name), line=line)
    AccessEvent.objects.create(
        meeting=delegate.meeting,
        delegate=delegate,
        version=version,
        action=AccessEvent.Action.OPENED,
        at=now,
        assisted_by=assisted_by if getattr(assisted_by, "is_authenticated", False) else None,
        ip_address=ip,
    )
    return stamped


def open_public_version(
    *, meeting: Meeting, version: DocumentVersion, ip: str | None = None, now=None
) -> bytes:
    """A public document through the meeting-wide QR: no identity, so no personal watermark."""
    now = now or timezone.now()
    if version.document.agenda_item.meeting_id != meeting.pk:
        raise refuse("other_meeting", meeting=meeting, version=version, ip=ip)
    if version.document.classification != Document.Classification.PUBLIC:
        raise refuse("not_public", meeting=meeting, version=version, ip=ip)
    if selectors.access_expired(meeting, now):
        raise refuse("expired", meeting=meeting, version=version, ip=ip)
    AccessEvent.objects.create(
        meeting=meeting, version=version, action=AccessEvent.Action.PUBLIC_OPENED, at=now, ip_address=ip
    )
    return pdf.read(version.file_name)


def remind_unread(*, document: Document, actor) -> int:
    """Remind only the audience that has not opened the current version; returns how many."""
    meeting = document.agenda_item.meeting
    stat = next(s for s in selectors.read_stats(meeting) if s.document.pk == document.pk)
    text = _("Please read “%(title)s” (version %(number)s) before the meeting.") % {
        "title": document.title,
        "number": document.current_version,
    }
    with transaction.atomic():
        Notice.objects.bulk_create([Notice(delegate=d, text=text[:400]) for d in stat.unread])
        audit.record(
            action="meetings.reminded_unread",
            obj=document,
            actor=actor,
            changes={"delegates": [d.pk for d in stat.unread]},
        )
    return len(stat.unread)


def hand_out_paper(*, agenda_item: AgendaItem, delegate: Delegate, description: str, actor) -> PaperItem:
    """Record a secret paper document handed to a delegate in the room."""
    if delegate.meeting_id != agenda_item.meeting_id:
        raise MeetingError(_("The delegate is not invited to this meeting."), "other_meeting")
    with transaction.atomic():
        item = PaperItem.objects.create(
            agenda_item=agenda_item, delegate=delegate, description=description, handed_out_by=actor
        )
        audit.record(
            action="meetings.paper_handed_out",
            obj=agenda_item,
            actor=actor,
            changes={"delegate": delegate.pk, "item": item.pk},
        )
    return item


def return_paper(*, item: PaperItem, actor, now: dt.datetime | None = None) -> PaperItem:
    with transaction.atomic():
        item.returned_at = now or timezone.now()
        item.returned_to = actor
        item.save(update_fields=["returned_at", "returned_to"])
        audit.record(
            action="meetings.paper_returned", obj=item.agenda_item, actor=actor, changes={"item": item.pk}
        )
    return item


def set_decision(*, item: AgendaItem, text: str, actor) -> AgendaItem:
    """The decision or conclusion reached on an agenda item (feeds the conclusion notice)."""
    with transaction.atomic():
        item.decision = text.strip()
        item.save(update_fields=["decision"])
        audit.record(action="meetings.decision_recorded", obj=item, actor=actor)
    return item


# --- Voting ------------------------------------------------------------------------------------


def create_poll(*, agenda_item: AgendaItem, question: str, secret: bool, actor) -> Poll:
    with transaction.atomic():
        poll = Poll.objects.create(agenda_item=agenda_item, question=question, secret=secret)
        if secret:
            SecretTally.objects.bulk_create([SecretTally(poll=poll, choice=c) for c in Poll.Choice.values])
        audit.record(action="meetings.poll_created", obj=poll, actor=actor, changes={"secret": secret})
    return poll


def set_poll_status(*, poll: Poll, status: str, actor, now: dt.datetime | None = None) -> Poll:
    """Open a draft poll or close an open one."""
    now = now or timezone.now()
    allowed = {Poll.Status.OPEN: Poll.Status.DRAFT, Poll.Status.CLOSED: Poll.Status.OPEN}
    with transaction.atomic():
        locked = Poll.objects.select_for_update().get(pk=poll.pk)
        if allowed.get(status) != locked.status:
            raise MeetingError(_("This vote cannot change to that state now."), "bad_status")
        locked.status = status
        if status == Poll.Status.OPEN:
            locked.opened_at = now
        else:
            locked.closed_at = now
        locked.save(update_fields=["status", "opened_at", "closed_at"])
        audit.record(action=f"meetings.poll_{status}", obj=locked, actor=actor)
    return locked


def cast_vote(
    *, poll: Poll, delegate: Delegate, choice: str, assisted_by=None, now: dt.datetime | None = None
) -> Ballot:
    """Record ``delegate``'s vote. Only checked-in members and substitutes (one vote per seat).

    The unique constraints on (poll, seat) and (poll, delegate) refuse a second vote even when
    two requests race past the check; a secret ballot only adds one to the count of its choice.
    """
    now = now or timezone.now()
    if choice not in Poll.Choice.values:
        raise MeetingError(_("Choose in favour, against or abstain."), "bad_choice")
    poll = Poll.objects.select_related("agenda_item").get(pk=poll.pk)
    delegate = Delegate.objects.select_related("substitute_for", "meeting").get(pk=delegate.pk)
    reason = selectors.vote_refusal(poll, delegate, now)
    if reason:
        raise refuse(reason, meeting=delegate.meeting, delegate=delegate, assisted_by=assisted_by)
    helper = assisted_by if getattr(assisted_by, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(
                poll=poll,
                seat=delegate.seat,
                cast_by=delegate,
                choice="" if poll.secret else choice,
                at=now,
                assisted_by=helper,
            )
            if poll.secret:
                # A counter, not a row per vote: nothing links the choice to the ballot above.
                SecretTally.objects.filter(poll=poll, choice=choice).update(count=F("count") + 1)
            audit.record(
                action="meetings.voted",
                obj=poll,
                actor=helper,
                changes={"delegate": delegate.pk, "assisted_by": getattr(helper, "pk", None)},
            )
    except IntegrityError:
        raise refuse(
            "already_voted", meeting=delegate.meeting, delegate=delegate, assisted_by=assisted_by
        ) from None
    return ballot


# --- Records -----------------------------------------------------------------------------------


def _record_context(meeting: Meeting, now: dt.datetime) -> dict:
    att = selectors.attendance(meeting)
    polls = Poll.objects.filter(agenda_item__meeting=meeting).select_related("agenda_item")
    return {
        "meeting": meeting,
        "attendance": att,
        "results": [selectors.poll_result(p, att.members) for p in polls],
        "agenda": meeting.agenda_items.all(),
        "generated_at": now,
    }


def attendance_pdf(*, meeting: Meeting, actor, now: dt.datetime | None = None) -> bytes:
    now = now or timezone.now()
    data = pdf.render("meetings/pdf/attendance.html", _record_context(meeting, now))
    audit.record(action="meetings.attendance_printed", obj=meeting, actor=actor)
    return data


def signed_record_pdf(*, meeting: Meeting, actor, now: dt.datetime | None = None) -> bytes:
    """The record of attendance and vote results, signed like results (PAdES, pyHanko)."""
    from motcua.results.signing import SigningError, sign_pdf

    now = now or timezone.now()
    data = pdf.render("meetings/pdf/record.html", _record_context(meeting, now))
    try:
        signed = sign_pdf(
            data,
            reason=_("Record of attendance and votes"),
            location=meeting.place[:100],
            signer_name=str(meeting.agency),
        )
    except SigningError as exc:
        raise MeetingError(exc.message, "signing") from exc
    audit.record(
        action="meetings.record_signed",
        obj=meeting,
        actor=actor,
        changes={"sha256": hashlib.sha256(signed).hexdigest()},
    )
    return signed


def slips_pdf(*, meeting: Meeting, delegates: list[Delegate], actor) -> bytes:
    """Printable access slips (large print): each delegate's QR and typed code, freshly issued."""
    base = getattr(settings, "MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
    slips = []
    for delegate in delegates:
        token, code = issue_slip(delegate=delegate, actor=actor)
        url = f"{base}/hop/vao/{token}/"
        slips.append({"delegate": delegate, "code": codes.format_code(code), "qr": pdf.qr_data_uri(url)})
    return pdf.render(
        "meetings/pdf/slips.html",
        {"meeting": meeting, "slips": slips, "code_url": f"{base}/hop/ma/"},
    )


def meeting_qr_pdf(*, meeting: Meeting) -> bytes:
    base = getattr(settings, "MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
    url = f"{base}/hop/{meeting.code}/cong-khai/"
    return pdf.render(
        "meetings/pdf/meeting_qr.html", {"meeting": meeting, "qr": pdf.qr_data_uri(url), "url": url}
    )


# --- Conclusion notice -------------------------------------------------------------------------


def draft_conclusion(*, meeting: Meeting, actor) -> Conclusion:
    """Draft the conclusion notice from the agenda, decisions and vote results (editable)."""
    att = selectors.attendance(meeting)
    lines = [
        _("CONCLUSION NOTICE"),
        f"{meeting.title}",
        _("Held at %(place)s, %(when)s.")
        % {"place": meeting.place, "when": calendar.format_moment(meeting.starts_at)},
        _("Attendance: %(present)s of %(members)s members.")
        % {"present": att.present_seats, "members": att.members},
        "",
    ]
    for item in meeting.agenda_items.prefetch_related("polls"):
        lines.append(f"{item.order}. {item.title}")
        if item.decision:
            lines.append(f"   {item.decision}")
        for poll in item.polls.all():
            if poll.status != Poll.Status.CLOSED:
                continue
            result = selectors.poll_result(poll, att.members)
            verdict = _("passed") if result.passed else _("not passed")
            lines.append(
                "   "
                + _("%(question)s: %(yes)s in favour, %(no)s against, %(abstain)s abstaining — %(verdict)s.")
                % {
                    "question": poll.question,
                    "yes": result.yes,
                    "no": result.no,
                    "abstain": result.abstain,
                    "verdict": verdict,
                }
            )
    text = "\n".join(lines)
    with transaction.atomic():
        conclusion, created = Conclusion.objects.get_or_create(
            meeting=meeting, defaults={"text": text, "due_at": selectors.conclusion_due(meeting)}
        )
        if not created and conclusion.issued_at is None:
            conclusion.text = text
            conclusion.save(update_fields=["text"])
        audit.record(action="meetings.conclusion_drafted", obj=meeting, actor=actor)
    return conclusion


def issue_conclusion(*, meeting: Meeting, text: str, actor, now: dt.datetime | None = None) -> Conclusion:
    """Issue the notice; late when after the 5-working-day deadline (recorded in the audit)."""
    now = now or timezone.now()
    if not text.strip():
        raise MeetingError(_("Write the conclusion before issuing it."), "empty")
    with transaction.atomic():
        conclusion = Conclusion.objects.select_for_update().filter(meeting=meeting).first()
        if conclusion is None:
            conclusion = Conclusion(meeting=meeting, due_at=selectors.conclusion_due(meeting))
        if conclusion.issued_at is not None:
            raise MeetingError(_("The conclusion notice has already been issued."), "issued")
        conclusion.text = text
        conclusion.issued_at = now
        conclusion.issued_by = actor
        conclusion.save()
        audit.record(
            action="meetings.conclusion_issued",
            obj=meeting,
            actor=actor,
            changes={"late": now > conclusion.due_at},
        )
    return conclusion
