"""Two requests race past the vote check at the same moment: the database keeps one ballot."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from motcua.meetings import selectors, services
from motcua.meetings.models import Ballot, Delegate, Poll


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_votes_leave_one_ballot(meeting, item, members, organiser, monkeypatch):
    poll = services.create_poll(agenda_item=item, question="Thông qua?", secret=True, actor=organiser)
    services.set_poll_status(poll=poll, status=Poll.Status.OPEN, actor=organiser)
    services.check_in(delegate=members[0], method=Delegate.CheckIn.STAFF, by=organiser)
    barrier = threading.Barrier(2, timeout=10)
    original = selectors.vote_refusal

    def checked_then_wait(*args, **kwargs):
        reason = original(*args, **kwargs)
        barrier.wait()  # both requests have passed the check before either writes
        return reason

    monkeypatch.setattr(selectors, "vote_refusal", checked_then_wait)
    outcomes: list[str] = []

    def vote(choice):
        try:
            services.cast_vote(poll=poll, delegate=members[0], choice=choice)
            outcomes.append("ok")
        except services.MeetingError as error:
            outcomes.append(error.reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(c,)) for c in ("yes", "no")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert sorted(outcomes) == ["already_voted", "ok"]
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert sum(poll.tallies.values_list("count", flat=True)) == 1
