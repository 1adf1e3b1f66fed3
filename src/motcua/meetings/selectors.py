"""Reads and pure rules of the meetings app: who may organise, help, read and vote; attendance,
quorum, read receipts, poll results and the legal deadlines."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from motcua.accounts.models import OfficerRole
from motcua.core import calendar
from motcua.meetings.models import (
    AccessEvent,
    Ballot,
    Delegate,
    Document,
    DocumentVersion,
    Meeting,
    Poll,
    SecretTally,
)
from motcua.org.models import Agency

Role = OfficerRole.Role

#: Check-in opens this long before the start (a delegate scanning at home is not "present").
CHECK_IN_OPENS_BEFORE = dt.timedelta(hours=2)
INVITATION_WORKING_DAYS = 3  # Decision 45/2018/QĐ-TTg
CONCLUSION_WORKING_DAYS = 5  # Decision 45/2018/QĐ-TTg


# --- Who may do what -------------------------------------------------------------------------


def _role_agencies(user, role: str) -> list[Agency]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return [r.agency for r in OfficerRole.objects.filter(user=user, role=role).select_related("agency")]


def organiser_agencies(user) -> list[Agency]:
    return _role_agencies(user, Role.MEETING_ORGANISER)


def _in_subtree(agency: Agency, roots: list[Agency]) -> bool:
    return any(agency.path.startswith(root.path) for root in roots)


def can_organise(user, meeting: Meeting) -> bool:
    """Organisers hold ``meeting_organiser`` at the meeting's agency or above it."""
    return _in_subtree(meeting.agency, organiser_agencies(user))


def can_organise_at(user, agency: Agency) -> bool:
    return _in_subtree(agency, organiser_agencies(user))


def is_helper(user) -> bool:
    """Youth-union / community helpers, and organisers, may sign a delegate in on their behalf."""
    if not getattr(user, "is_authenticated", False):
        return False
    return OfficerRole.objects.filter(
        user=user, role__in=[Role.COMMUNITY_HELPER, Role.MEETING_ORGANISER]
    ).exists()


def organiser_meetings(user):
    roots = organiser_agencies(user)
    if not roots:
        return Meeting.objects.none()
    condition = Q()
    for root in roots:
        condition |= Q(agency__path__startswith=root.path)
    return Meeting.objects.filter(condition).select_related("agency").order_by("-starts_at")


# --- Time windows ----------------------------------------------------------------------------


def access_expired(meeting: Meeting, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) >= meeting.access_expires_at


def check_in_open(meeting: Meeting, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return meeting.starts_at - CHECK_IN_OPENS_BEFORE <= now < meeting.ends_at


def invitation_deadline(meeting: Meeting, cal: calendar.WorkingCalendar | None = None) -> dt.date:
    """The last day invitations may go out: 3 working days before the meeting day."""
    cal = cal or calendar.get_calendar()
    day = cal.local(meeting.starts_at).date()
    counted = 0
    while counted < INVITATION_WORKING_DAYS:
        if cal.is_working_day(day):
            counted += 1
        day -= dt.timedelta(days=1)
    return day


def invitation_late(
    meeting: Meeting, now: dt.datetime | None = None, cal: calendar.WorkingCalendar | None = None
) -> bool:
    """True when the invitations went (or can now only go) out after the deadline."""
    if meeting.is_urgent:
        return False
    cal = cal or calendar.get_calendar()
    sent = meeting.invitations_sent_at or now or timezone.now()
    return cal.local(sent).date() > invitation_deadline(meeting, cal)


def conclusion_due(meeting: Meeting, cal: calendar.WorkingCalendar | None = None) -> dt.datetime:
    return (cal or calendar.get_calendar()).add_working_days(meeting.ends_at, CONCLUSION_WORKING_DAYS)


def meeting_warnings(meetings: list[Meeting], now: dt.datetime | None = None) -> dict[int, list[str]]:
    """Per meeting the legal deadlines at risk: ``invitation_late``, ``conclusion_overdue``.

    One calendar load and one query for the whole list.
    """
    from motcua.meetings.models import Conclusion

    now = now or timezone.now()
    cal = calendar.get_calendar()
    issued = set(
        Conclusion.objects.filter(meeting__in=meetings, issued_at__isnull=False).values_list(
            "meeting_id", flat=True
        )
    )
    warnings: dict[int, list[str]] = {}
    for meeting in meetings:
        found = []
        if invitation_late(meeting, now, cal) and (meeting.invitations_sent_at or now < meeting.starts_at):
            found.append("invitation_late")
        if meeting.pk not in issued and now > conclusion_due(meeting, cal):
            found.append("conclusion_overdue")
        warnings[meeting.pk] = found
    return warnings


# --- Reading -----------------------------------------------------------------------------------


def is_audience(delegate: Delegate, document: Document, named_ids: set[int] | None = None) -> bool:
    """Whether ``document`` is meant for ``delegate`` (ignores revocation and expiry).

    Public and internal documents without an audience go to every delegate; a restricted one
    only to the named delegates and listed groups.
    """
    if document.classification == Document.Classification.PUBLIC:
        return True
    if named_ids is None:
        named_ids = set(document.named_delegates.values_list("pk", flat=True))
    if delegate.pk in named_ids:
        return True
    if document.groups:
        return delegate.group in document.groups
    return document.classification == Document.Classification.INTERNAL and not named_ids


def refusal_reason(delegate: Delegate, document: Document, now: dt.datetime | None = None) -> str | None:
    """``None`` when ``delegate`` may open ``document`` now, else the reason code."""
    if delegate.revoked_at is not None:
        return "revoked"
    if access_expired(delegate.meeting, now):
        return "expired"
    if document.agenda_item.meeting_id != delegate.meeting_id:
        return "other_meeting"
    if not is_audience(delegate, document):
        return "not_audience"
    return None


@dataclass
class DocumentRow:
    document: Document
    version: DocumentVersion | None
    opened_number: int | None  # the newest version this delegate has opened

    @property
    def changed_since_read(self) -> bool:
        return (
            self.opened_number is not None
            and self.version is not None
            and self.opened_number < self.version.number
        )


def delegate_documents(delegate: Delegate) -> list[DocumentRow]:
    """The documents ``delegate`` may read, in agenda order, with "changed since you read it"."""
    documents = list(
        Document.objects.filter(agenda_item__meeting_id=delegate.meeting_id, current_version__gt=0)
        .select_related("agenda_item")
        .prefetch_related("named_delegates")
        .order_by("agenda_item__order", "agenda_item_id", "pk")
    )
    documents = [d for d in documents if is_audience(delegate, d, {x.pk for x in d.named_delegates.all()})]
    versions = {(v.document_id, v.number): v for v in DocumentVersion.objects.filter(document__in=documents)}
    opened: dict[int, int] = {}
    for doc_id, number in AccessEvent.objects.filter(
        delegate=delegate, action=AccessEvent.Action.OPENED, version__document__in=documents
    ).values_list("version__document_id", "version__number"):
        opened[doc_id] = max(number, opened.get(doc_id, 0))
    return [DocumentRow(d, versions.get((d.pk, d.current_version)), opened.get(d.pk)) for d in documents]


def public_documents(meeting: Meeting) -> list[tuple[Document, DocumentVersion]]:
    docs = Document.objects.filter(
        agenda_item__meeting=meeting, classification=Document.Classification.PUBLIC, current_version__gt=0
    ).select_related("agenda_item")
    versions = {(v.document_id, v.number): v for v in DocumentVersion.objects.filter(document__in=docs)}
    return [(d, versions[(d.pk, d.current_version)]) for d in docs if (d.pk, d.current_version) in versions]


@dataclass
class ReadStat:
    document: Document
    version_number: int
    opened: int
    audience: int
    unread: list[Delegate]


def read_stats(meeting: Meeting) -> list[ReadStat]:
    """Per document: how many of its audience opened the current version ("32/45 opened v3")."""
    delegates = list(meeting.delegates.filter(revoked_at__isnull=True))
    documents = list(
        Document.objects.filter(agenda_item__meeting=meeting, current_version__gt=0)
        .select_related("agenda_item")
        .prefetch_related("named_delegates")
    )
    opened_pairs = set(
        AccessEvent.objects.filter(
            meeting=meeting, action=AccessEvent.Action.OPENED, version__document__in=documents
        )
        .values_list("delegate_id", "version__document_id", "version__number")
        .distinct()
    )
    stats = []
    for document in documents:
        named = {x.pk for x in document.named_delegates.all()}
        audience = [d for d in delegates if is_audience(d, document, named)]
        read = {d for (d, doc, n) in opened_pairs if doc == document.pk and n == document.current_version}
        unread = [d for d in audience if d.pk not in read]
        stats.append(
            ReadStat(document, document.current_version, len(audience) - len(unread), len(audience), unread)
        )
    return stats


# --- Attendance and voting ---------------------------------------------------------------------


@dataclass
class Attendance:
    members: int
    present_seats: int
    required: int
    present: list[Delegate]
    absent: list[Delegate]

    @property
    def quorate(self) -> bool:
        return self.present_seats >= self.required


def quorum_required(meeting: Meeting, members: int) -> int:
    return math.ceil(members * meeting.quorum_numerator / meeting.quorum_denominator)


def attendance(meeting: Meeting) -> Attendance:
    """Live attendance: a member's seat is present when they or one of their substitutes is."""
    delegates = list(meeting.delegates.select_related("substitute_for", "assisted_by", "checked_in_by"))
    members = [d for d in delegates if d.group == Delegate.Group.MEMBER and d.substitute_for_id is None]
    seats_present = {d.seat.pk for d in delegates if d.checked_in_at and d.group == Delegate.Group.MEMBER}
    present = [d for d in delegates if d.checked_in_at]
    absent = [d for d in delegates if not d.checked_in_at]
    return Attendance(
        members=len(members),
        present_seats=len(seats_present & {m.pk for m in members}),
        required=quorum_required(meeting, len(members)),
        present=present,
        absent=absent,
    )


def vote_refusal(poll: Poll, delegate: Delegate, now: dt.datetime | None = None) -> str | None:
    """``None`` when ``delegate`` may vote in ``poll`` now, else the reason code."""
    if delegate.revoked_at is not None:
        return "revoked"
    if poll.agenda_item.meeting_id != delegate.meeting_id:
        return "other_meeting"
    if poll.status != Poll.Status.OPEN:
        return "poll_not_open"
    if delegate.group != Delegate.Group.MEMBER:
        return "not_member"
    if delegate.checked_in_at is None:
        return "not_checked_in"
    if Ballot.objects.filter(poll=poll, seat_id=delegate.seat.pk).exists():
        return "already_voted"
    return None


@dataclass
class PollResult:
    poll: Poll
    yes: int
    no: int
    abstain: int
    voted: int
    members: int

    @property
    def passed(self) -> bool:
        """More than half of all members in favour (the rule for council resolutions)."""
        return self.yes * 2 > self.members


def poll_result(poll: Poll, members: int | None = None) -> PollResult:
    if members is None:
        members = poll.agenda_item.meeting.delegates.filter(
            group=Delegate.Group.MEMBER, substitute_for__isnull=True
        ).count()
    if poll.secret:
        counts = dict(SecretTally.objects.filter(poll=poll).values_list("choice", "count"))
    else:
        counts = dict(
            Ballot.objects.filter(poll=poll)
            .values_list("choice")
            .annotate(n=Count("pk"))
            .values_list("choice", "n")
        )
    return PollResult(
        poll=poll,
        yes=counts.get(Poll.Choice.YES, 0),
        no=counts.get(Poll.Choice.NO, 0),
        abstain=counts.get(Poll.Choice.ABSTAIN, 0),
        voted=Ballot.objects.filter(poll=poll).count(),
        members=members,
    )


def open_polls_for(delegate: Delegate) -> list[tuple[Poll, bool]]:
    """Open polls of the delegate's meeting and whether their seat has voted."""
    polls = list(
        Poll.objects.filter(
            agenda_item__meeting_id=delegate.meeting_id, status=Poll.Status.OPEN
        ).select_related("agenda_item")
    )
    voted = set(
        Ballot.objects.filter(poll__in=polls, seat_id=delegate.seat.pk).values_list("poll_id", flat=True)
    )
    return [(p, p.pk in voted) for p in polls]
