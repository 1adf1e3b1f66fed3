"""Slip QR tokens and typed codes: one-time, revocable, expiring; refusals audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from motcua.core.models import AuditRecord
from motcua.meetings import services
from motcua.meetings.models import AccessEvent, AccessToken, Delegate

pytestmark = pytest.mark.django_db


def refusals(reason):
    return AccessEvent.objects.filter(action=AccessEvent.Action.REFUSED, reason=reason).count()


def test_a_slip_token_opens_once_and_checks_the_delegate_in(members, organiser):
    delegate = members[0]
    token, _code = services.issue_slip(delegate=delegate, actor=organiser)
    assert services.exchange_token(token=token) == delegate
    delegate.refresh_from_db()
    assert delegate.checked_in_at is not None and delegate.check_in_method == Delegate.CheckIn.QR
    with pytest.raises(services.MeetingError) as used:
        services.exchange_token(token=token)
    assert used.value.reason == "used"
    assert refusals("used") == 1


def test_scanning_before_the_check_in_window_opens_documents_but_does_not_check_in(
    members, organiser, meeting
):
    token, _ = services.issue_slip(delegate=members[0], actor=organiser)
    services.exchange_token(token=token, now=meeting.starts_at - dt.timedelta(days=2))
    members[0].refresh_from_db()
    assert members[0].checked_in_at is None


def test_a_forged_token_is_refused_and_audited(members, organiser):
    token, _ = services.issue_slip(delegate=members[0], actor=organiser)
    with pytest.raises(services.MeetingError) as forged:
        services.exchange_token(token=token[:-3] + "xyz")
    assert forged.value.reason == "forged"
    assert AuditRecord.objects.filter(action="meetings.access_refused", changes__reason="forged").exists()
    assert AccessToken.objects.get(delegate=members[0]).used_at is None


def test_a_reissued_slip_revokes_the_earlier_token_and_code(members, organiser):
    old_token, old_code = services.issue_slip(delegate=members[0], actor=organiser)
    services.issue_slip(delegate=members[0], actor=organiser)
    with pytest.raises(services.MeetingError) as revoked:
        services.exchange_token(token=old_token)
    assert revoked.value.reason == "revoked"
    with pytest.raises(services.MeetingError) as bad:
        services.enter_code(typed=old_code)
    assert bad.value.reason == "bad_code"


def test_tokens_and_codes_expire_at_the_recall(members, organiser, meeting):
    token, code = services.issue_slip(delegate=members[0], actor=organiser)
    after = meeting.access_expires_at + dt.timedelta(minutes=1)
    for call in (
        lambda: services.exchange_token(token=token, now=after),
        lambda: services.enter_code(typed=code, now=after),
    ):
        with pytest.raises(services.MeetingError) as expired:
            call()
        assert expired.value.reason == "expired"
    assert AccessToken.objects.get(delegate=members[0]).used_at is None
    members[0].refresh_from_db()
    assert members[0].checked_in_at is None


def test_a_revoked_delegate_is_refused_at_once(members, organiser):
    token, code = services.issue_slip(delegate=members[0], actor=organiser)
    services.revoke_delegate(delegate=members[0], actor=organiser)
    with pytest.raises(services.MeetingError) as revoked:
        services.exchange_token(token=token)
    assert revoked.value.reason == "revoked"
    with pytest.raises(services.MeetingError):
        services.enter_code(typed=code)
    assert AuditRecord.objects.filter(action="meetings.delegate_revoked").exists()


def test_the_typed_code_is_forgiving_and_checks_in(members, organiser):
    _token, code = services.issue_slip(delegate=members[1], actor=organiser)
    typed = f" {code[:4].lower()} - {code[4:]} "
    assert services.enter_code(typed=typed) == members[1]
    members[1].refresh_from_db()
    assert members[1].check_in_method == Delegate.CheckIn.CODE


def test_only_hashes_are_stored(members, organiser):
    token, code = services.issue_slip(delegate=members[0], actor=organiser)
    row = AccessToken.objects.get(delegate=members[0])
    members[0].refresh_from_db()
    assert token not in row.key_hash and code not in (members[0].code_hash or "")


def test_a_helper_check_in_is_recorded_as_assisted(members, organiser, helper_user):
    _token, code = services.issue_slip(delegate=members[2], actor=organiser)
    services.enter_code(typed=code, assisted_by=helper_user)
    members[2].refresh_from_db()
    assert members[2].check_in_method == Delegate.CheckIn.ASSISTED
    assert members[2].assisted_by == helper_user


def test_check_in_outside_the_window_is_refused(members, meeting):
    with pytest.raises(services.MeetingError) as closed:
        services.check_in(
            delegate=members[0], method=Delegate.CheckIn.STAFF, now=meeting.ends_at + dt.timedelta(minutes=1)
        )
    assert closed.value.reason == "check_in_closed"
    members[0].refresh_from_db()
    assert members[0].checked_in_at is None


def test_staff_check_in_by_code_and_attendance_with_substitutes(meeting, members, organiser):
    from motcua.meetings import selectors

    substitute = services.add_delegate(
        meeting=meeting, full_name="Người Dự Thay", substitute_for=members[0], actor=organiser
    )
    _t, code = services.issue_slip(delegate=substitute, actor=organiser)
    services.check_in_by_code(meeting=meeting, typed=code, by=organiser)
    services.check_in(delegate=members[1], method=Delegate.CheckIn.STAFF, by=organiser, now=timezone.now())
    att = selectors.attendance(meeting)
    assert (att.members, att.present_seats, att.required) == (3, 2, 2)
    assert att.quorate


def test_moving_the_meeting_later_keeps_slips_valid_until_the_new_recall(members, organiser, meeting):
    token, _code = services.issue_slip(delegate=members[0], actor=organiser)
    later = dt.timedelta(days=3)
    services.update_meeting(
        meeting=meeting, actor=organiser, starts_at=meeting.starts_at + later, ends_at=meeting.ends_at + later
    )
    moment = meeting.ends_at  # after the old recall, before the new one
    assert services.exchange_token(token=token, now=moment) == members[0]
    assert AuditRecord.objects.filter(action="meetings.updated").exists()


def test_a_meeting_cannot_end_before_it_starts(organiser, meeting):
    with pytest.raises(services.MeetingError):
        services.update_meeting(meeting=meeting, actor=organiser, ends_at=meeting.starts_at)


def test_only_wrong_codes_count_towards_the_limit(members, organiser, settings):
    from django.core.cache import cache

    cache.clear()
    codes_ = [services.issue_slip(delegate=d, actor=organiser)[1] for d in members]
    for _ in range(10):  # a hall behind one address: many right codes are fine
        for code in codes_:
            services.enter_code(typed=code, ip="203.0.113.9")
    for _ in range(services.WRONG_CODE_LIMIT):
        with pytest.raises(services.MeetingError):
            services.enter_code(typed="AAAA-AAAA", ip="203.0.113.9")
    with pytest.raises(services.MeetingError) as blocked:
        services.enter_code(typed=codes_[0], ip="203.0.113.9")
    assert blocked.value.reason == "too_many"
    assert services.enter_code(typed=codes_[0], ip="198.51.100.7") == members[0]
