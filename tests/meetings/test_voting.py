"""Voting: only checked-in members and substitutes, one vote per seat (the database refuses a
second one even when the check is raced), secret ballots unlinkable, signed record."""

from __future__ import annotations

import pytest

from motcua.meetings import selectors, services
from motcua.meetings.models import AccessEvent, Ballot, Delegate, Poll, SecretTally

pytestmark = pytest.mark.django_db


@pytest.fixture
def poll(item, organiser):
    poll = services.create_poll(
        agenda_item=item, question="Thông qua Nghị quyết?", secret=False, actor=organiser
    )
    return services.set_poll_status(poll=poll, status=Poll.Status.OPEN, actor=organiser)


def present(delegate, organiser):
    return services.check_in(delegate=delegate, method=Delegate.CheckIn.STAFF, by=organiser)


def test_a_checked_in_member_votes_once(poll, members, organiser):
    present(members[0], organiser)
    services.cast_vote(poll=poll, delegate=members[0], choice="yes")
    with pytest.raises(services.MeetingError) as twice:
        services.cast_vote(poll=poll, delegate=members[0], choice="no")
    assert twice.value.reason == "already_voted"
    assert Ballot.objects.get().choice == "yes"
    assert AccessEvent.objects.filter(action="refused", reason="already_voted").count() == 1


def test_a_delegate_not_checked_in_cannot_vote(poll, members):
    with pytest.raises(services.MeetingError) as refused:
        services.cast_vote(poll=poll, delegate=members[0], choice="yes")
    assert refused.value.reason == "not_checked_in"
    assert not Ballot.objects.exists()


def test_guests_do_not_vote(poll, guest, organiser):
    present(guest, organiser)
    with pytest.raises(services.MeetingError) as refused:
        services.cast_vote(poll=poll, delegate=guest, choice="yes")
    assert refused.value.reason == "not_member"


def test_a_closed_poll_takes_no_votes(poll, members, organiser):
    present(members[0], organiser)
    services.set_poll_status(poll=poll, status=Poll.Status.CLOSED, actor=organiser)
    with pytest.raises(services.MeetingError) as refused:
        services.cast_vote(poll=poll, delegate=members[0], choice="yes")
    assert refused.value.reason == "poll_not_open"


def test_a_member_and_their_substitute_share_one_vote(poll, meeting, members, organiser):
    substitute = services.add_delegate(
        meeting=meeting, full_name="Người dự thay", substitute_for=members[0], actor=organiser
    )
    present(substitute, organiser)
    services.cast_vote(poll=poll, delegate=substitute, choice="yes")
    present(members[0], organiser)
    with pytest.raises(services.MeetingError) as refused:
        services.cast_vote(poll=poll, delegate=members[0], choice="no")
    assert refused.value.reason == "already_voted"
    assert Ballot.objects.get().seat == members[0]


def test_the_database_refuses_a_second_vote_when_the_check_is_raced(poll, members, organiser, monkeypatch):
    """Both requests pass the check (as two racing requests would); the unique constraint decides."""
    present(members[0], organiser)
    services.cast_vote(poll=poll, delegate=members[0], choice="yes")
    monkeypatch.setattr(selectors, "vote_refusal", lambda *a, **k: None)
    with pytest.raises(services.MeetingError) as raced:
        services.cast_vote(poll=poll, delegate=members[0], choice="no")
    assert raced.value.reason == "already_voted"
    assert Ballot.objects.count() == 1


def test_the_same_race_on_a_secret_ballot_leaves_no_extra_choice(item, members, organiser, monkeypatch):
    poll = services.create_poll(agenda_item=item, question="Bầu chức danh", secret=True, actor=organiser)
    services.set_poll_status(poll=poll, status=Poll.Status.OPEN, actor=organiser)
    present(members[0], organiser)
    services.cast_vote(poll=poll, delegate=members[0], choice="yes")
    monkeypatch.setattr(selectors, "vote_refusal", lambda *a, **k: None)
    with pytest.raises(services.MeetingError):
        services.cast_vote(poll=poll, delegate=members[0], choice="no")
    assert sum(SecretTally.objects.values_list("count", flat=True)) == 1 and Ballot.objects.count() == 1


def test_a_secret_ballot_keeps_who_voted_apart_from_what(item, members, organiser):
    poll = services.create_poll(agenda_item=item, question="Bầu chức danh", secret=True, actor=organiser)
    services.set_poll_status(poll=poll, status=Poll.Status.OPEN, actor=organiser)
    for delegate, choice in zip(members, ["yes", "no", "yes"], strict=True):
        present(delegate, organiser)
        services.cast_vote(poll=poll, delegate=delegate, choice=choice)
    assert set(Ballot.objects.values_list("choice", flat=True)) == {""}
    # No row per vote: only three counters, nothing to join with the ballots.
    assert sorted(SecretTally.objects.values_list("choice", "count")) == [
        ("abstain", 0),
        ("no", 1),
        ("yes", 2),
    ]
    result = selectors.poll_result(poll)
    assert (result.yes, result.no, result.abstain, result.voted, result.members) == (2, 1, 0, 3, 3)
    assert result.passed


def test_a_result_passes_only_with_more_than_half_of_all_members(poll, members, organiser):
    present(members[0], organiser)
    services.cast_vote(poll=poll, delegate=members[0], choice="yes")
    assert not selectors.poll_result(poll).passed


def test_a_bad_choice_is_refused(poll, members, organiser):
    present(members[0], organiser)
    with pytest.raises(services.MeetingError) as bad:
        services.cast_vote(poll=poll, delegate=members[0], choice="maybe")
    assert bad.value.reason == "bad_choice"


def test_the_signed_record_carries_a_valid_signature(
    poll, members, organiser, meeting, tmp_path, monkeypatch
):
    from motcua.results.signing import verify_pdf

    monkeypatch.setenv("MOTCUA_SIGNING_DIR", str(tmp_path / "signing"))
    present(members[0], organiser)
    services.cast_vote(poll=poll, delegate=members[0], choice="yes")
    data = services.signed_record_pdf(meeting=meeting, actor=organiser)
    outcome = verify_pdf(data)
    assert outcome.intact and outcome.valid
    assert services.attendance_pdf(meeting=meeting, actor=organiser).startswith(b"%PDF")
