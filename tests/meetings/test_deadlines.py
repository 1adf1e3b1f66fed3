"""Decision 45/2018/QĐ-TTg deadlines on the working-day calendar; the conclusion notice."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.core.calendar import OFFICE_TZ, get_calendar
from motcua.core.models import AuditRecord
from motcua.meetings import selectors, services
from motcua.meetings.models import Delegate, Meeting, Poll

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour=8) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=OFFICE_TZ)


def test_the_invitation_deadline_is_three_working_days_before(meeting):
    meeting.starts_at = at(dt.date(2026, 12, 10))  # a Thursday
    assert selectors.invitation_deadline(meeting) == dt.date(2026, 12, 7)


def test_the_invitation_deadline_skips_tet(meeting):
    meeting.starts_at = at(dt.date(2026, 2, 23))  # the Monday after the Tết holiday 16–20 Feb
    assert selectors.invitation_deadline(meeting) == dt.date(2026, 2, 11)


@settings(max_examples=40, deadline=None)
@given(st.dates(min_value=dt.date(2026, 1, 5), max_value=dt.date(2027, 12, 20)))
def test_sending_on_the_deadline_leaves_three_working_days(day):
    meeting = Meeting(starts_at=at(day), ends_at=at(day, 11), is_urgent=False)
    deadline = selectors.invitation_deadline(meeting)
    cal = get_calendar()
    assert cal.working_days_between(deadline, day) >= 3 or not cal.is_working_day(day)
    meeting.invitations_sent_at = at(deadline, 16)
    assert not selectors.invitation_late(meeting)
    meeting.invitations_sent_at = at(deadline + dt.timedelta(days=1), 7)
    assert selectors.invitation_late(meeting)


def test_late_invitations_are_flagged_and_urgent_meetings_exempt(meeting, organiser):
    assert services.send_invitations(meeting=meeting, actor=organiser) is True  # the meeting is in an hour
    assert AuditRecord.objects.get(action="meetings.invitations_sent").changes == {"late": True}
    meeting.is_urgent = True
    assert not selectors.invitation_late(meeting)


def test_the_conclusion_is_drafted_from_agenda_decisions_and_votes(meeting, item, members, organiser):
    services.set_decision(item=item, text="Thống nhất thông qua kế hoạch.", actor=organiser)
    poll = services.create_poll(
        agenda_item=item, question="Thông qua Nghị quyết", secret=False, actor=organiser
    )
    services.set_poll_status(poll=poll, status=Poll.Status.OPEN, actor=organiser)
    for d in members[:2]:
        services.check_in(delegate=d, method=Delegate.CheckIn.STAFF, by=organiser)
        services.cast_vote(poll=poll, delegate=d, choice="yes")
    services.set_poll_status(poll=poll, status=Poll.Status.CLOSED, actor=organiser)
    conclusion = services.draft_conclusion(meeting=meeting, actor=organiser)
    assert "Thống nhất thông qua kế hoạch." in conclusion.text
    assert "Thông qua Nghị quyết: 2 tán thành" in conclusion.text
    assert conclusion.due_at == selectors.conclusion_due(meeting)
    assert get_calendar().working_days_between(
        meeting.ends_at.astimezone(OFFICE_TZ).date(), conclusion.due_at.astimezone(OFFICE_TZ).date()
    ) in (5, 6)  # 5 working days from day 0 (the next working day when the meeting ends after hours)


def test_issuing_late_is_recorded(meeting, organiser):
    services.draft_conclusion(meeting=meeting, actor=organiser)
    late = meeting.ends_at + dt.timedelta(days=30)
    issued = services.issue_conclusion(meeting=meeting, text="Kết luận", actor=organiser, now=late)
    assert issued.issued_at > issued.due_at
    assert AuditRecord.objects.get(action="meetings.conclusion_issued").changes == {"late": True}
    with pytest.raises(services.MeetingError):
        services.issue_conclusion(meeting=meeting, text="Lần hai", actor=organiser)


def test_the_organiser_list_shows_deadlines_at_risk(
    meeting, organiser, agency, client, django_assert_max_num_queries
):
    from django.urls import reverse
    from django.utils import timezone

    past = services.create_meeting(
        organiser=organiser,
        agency=agency,
        title="Họp tháng trước",
        body="department",
        place="Phòng 2",
        starts_at=timezone.now() - dt.timedelta(days=30),
        ends_at=timezone.now() - dt.timedelta(days=30) + dt.timedelta(hours=3),
    )
    warnings = selectors.meeting_warnings([meeting, past])
    assert warnings[meeting.pk] == ["invitation_late"]  # in an hour, invitations not sent
    assert warnings[past.pk] == ["conclusion_overdue"]
    services.issue_conclusion(meeting=past, text="Kết luận", actor=organiser)
    assert selectors.meeting_warnings([past])[past.pk] == []
    client.force_login(organiser)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("meetings:organiser")).content.decode()
    assert "giấy mời trễ hạn" in page
