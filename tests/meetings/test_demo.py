"""`motcua demo` for meetings: organiser, helper and an upcoming council session; idempotent."""

from __future__ import annotations

import pytest

from motcua.accounts.models import OfficerRole, User
from motcua.meetings import demo, selectors
from motcua.meetings.models import Document, Meeting


@pytest.fixture
def agencies(db):
    from motcua.org.demo import build_demo_agencies
    from motcua.org.services import load_units

    load_units()
    build_demo_agencies()


def test_build_demo_is_idempotent_and_complete(agencies):
    first = demo.build_demo()
    second = demo.build_demo()
    assert [u for u, _p, _d in first] == [u for u, _p, _d in second]
    assert Meeting.objects.count() == 1
    meeting = Meeting.objects.get(code=demo.DEMO_MEETING_CODE)
    organiser = User.objects.get(username="hop.tinh")
    assert OfficerRole.objects.filter(
        user=organiser, role="meeting_organiser", agency__code="000.00.00.H53"
    ).exists()
    assert selectors.is_helper(User.objects.get(username="doanvien.tinh"))
    assert selectors.can_organise(organiser, meeting)
    assert meeting.starts_at > meeting.created_at
    assert not selectors.invitation_late(meeting)
    kinds = set(
        Document.objects.filter(agenda_item__meeting=meeting).values_list("classification", flat=True)
    )
    assert kinds == {"public", "internal"}
    assert meeting.delegates.filter(substitute_for__isnull=False).count() == 1
    code = second[-1][1]
    from motcua.meetings import services

    assert services.enter_code(typed=code).meeting == meeting
