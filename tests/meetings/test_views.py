"""The web pages: QR landing (clean redirect, no Referer), delegate pages, helper mode, organiser."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.accounts.models import OfficerRole
from motcua.meetings import services
from motcua.meetings.models import AccessEvent, Ballot, Delegate, Document, Poll
from tests.dossiers.files import pdf_bytes, upload
from tests.factories import OfficerRoleFactory

pytestmark = pytest.mark.django_db


def scan(client, delegate, organiser):
    token, code = services.issue_slip(delegate=delegate, actor=organiser)
    return client.get(reverse("meetings:enter", args=[token])), token, code


def test_the_qr_token_is_exchanged_and_redirected_to_a_clean_url(
    client, document, members, organiser, meeting
):
    response, token, _code = scan(client, members[0], organiser)
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:delegate", args=[meeting.code])
    assert token not in response["Location"]
    assert response["Referrer-Policy"] == "no-referrer"
    page = client.get(response["Location"])
    # Same-origin only: under no-referrer browsers post forms with "Origin: null" (CSRF refuses).
    assert page["Referrer-Policy"] == "same-origin" and page["Cache-Control"] == "no-store"
    assert document.title in page.content.decode()
    pdf = client.get(reverse("meetings:document", args=[meeting.code, document.versions.get().pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_reused_qr_shows_a_clear_refusal(client, members, organiser):
    _response, token, _code = scan(client, members[0], organiser)
    again = client.get(reverse("meetings:enter", args=[token]))
    assert again.status_code == 403
    assert "đã được sử dụng" in again.content.decode()


def test_a_forged_qr_is_refused(client):
    response = client.get(reverse("meetings:enter", args=["abc:def"]))
    assert response.status_code == 403


def test_without_a_session_the_delegate_page_asks_for_the_code(client, meeting):
    response = client.get(reverse("meetings:delegate", args=[meeting.code]))
    assert response.status_code == 302 and response["Location"] == reverse("meetings:code")


def test_the_typed_code_opens_the_documents_and_errors_show_by_the_field(client, members, organiser, meeting):
    _token, code = services.issue_slip(delegate=members[0], actor=organiser)
    bad = client.post(reverse("meetings:code"), {"code": "AAAA-AAAA"})
    assert bad.status_code == 200 and "field-error" in bad.content.decode()
    good = client.post(reverse("meetings:code"), {"code": code})
    assert good["Location"] == reverse("meetings:delegate", args=[meeting.code])


def test_a_document_outside_the_audience_is_refused_on_the_web(client, item, organiser, members, meeting):
    from tests.meetings.conftest import make_document

    restricted = make_document(item, organiser, classification="restricted", named=[members[1]])
    scan(client, members[0], organiser)
    response = client.get(reverse("meetings:document", args=[meeting.code, restricted.versions.get().pk]))
    assert response.status_code == 403
    assert AccessEvent.objects.filter(action="refused", reason="not_audience").exists()


def test_revocation_takes_effect_on_an_open_session(client, document, members, organiser, meeting):
    scan(client, members[0], organiser)
    services.revoke_delegate(delegate=members[0], actor=organiser)
    response = client.get(reverse("meetings:delegate", args=[meeting.code]))
    assert response.status_code == 403


def test_a_delegate_votes_on_the_web(client, item, members, organiser, meeting):
    poll = services.create_poll(agenda_item=item, question="Thông qua?", secret=False, actor=organiser)
    services.set_poll_status(poll=poll, status=Poll.Status.OPEN, actor=organiser)
    scan(client, members[0], organiser)  # inside the check-in window: checked in by the scan
    client.post(reverse("meetings:vote", args=[meeting.code, poll.pk]), {"choice": "yes"})
    assert Ballot.objects.get().cast_by == members[0]
    client.post(reverse("meetings:vote", args=[meeting.code, poll.pk]), {"choice": "no"})
    assert Ballot.objects.count() == 1


def test_helper_mode_signs_a_delegate_in_with_large_text(
    client, helper_user, members, organiser, meeting, document
):
    _token, code = services.issue_slip(delegate=members[2], actor=organiser)
    client.force_login(helper_user)
    refused = client.post(reverse("meetings:helper"), {"code": code})
    assert refused.status_code == 200 and "field-error" in refused.content.decode()
    response = client.post(reverse("meetings:helper"), {"code": code, "consent": "on"})
    assert response["Location"] == reverse("meetings:delegate", args=[meeting.code])
    page = client.get(response["Location"]).content.decode()
    assert 'class="large"' in page and helper_user.full_name in page
    members[2].refresh_from_db()
    assert members[2].assisted_by == helper_user and members[2].check_in_method == Delegate.CheckIn.ASSISTED
    client.get(reverse("meetings:document", args=[meeting.code, document.versions.get().pk]))
    assert AccessEvent.objects.get(action="opened").assisted_by == helper_user


def test_helper_mode_is_for_helpers_only(client, agency):
    desk = OfficerRoleFactory(agency=agency, role=OfficerRole.Role.DESK_OFFICER).user
    client.force_login(desk)
    assert client.get(reverse("meetings:helper")).status_code == 404


def test_organiser_pages_need_the_role_at_the_agency(client, meeting, agency):
    other = OfficerRoleFactory(role=OfficerRole.Role.MEETING_ORGANISER).user
    client.force_login(other)
    assert client.get(reverse("meetings:manage", args=[meeting.code])).status_code == 404
    anonymous = client.__class__()
    assert anonymous.get(reverse("meetings:manage", args=[meeting.code])).status_code == 302


def test_the_organiser_page_shows_read_receipts_and_quorum(client, organiser, meeting, document, members):
    services.open_version(delegate=members[0], version=document.versions.get())
    client.force_login(organiser)
    page = client.get(reverse("meetings:manage", args=[meeting.code])).content.decode()
    assert "1/4" in page
    assert 'id="quorum"' in page


def test_a_secret_upload_is_refused_next_to_the_field(client, organiser, meeting, item):
    client.force_login(organiser)
    response = client.post(
        reverse("meetings:upload", args=[meeting.code]),
        {
            "agenda_item": item.pk,
            "title": "Báo cáo",
            "classification": "tuyet_mat",
            "file": upload("a.pdf", pdf_bytes()),
        },
    )
    assert response.status_code == 400
    assert "Tuyệt mật" in response.content.decode()
    assert not Document.objects.exists()


def test_the_organiser_creates_a_meeting_and_prints_slips(client, organiser, agency):
    client.force_login(organiser)
    response = client.post(
        reverse("meetings:organiser"),
        {
            "title": "Họp UBND tỉnh tháng 12",
            "body": "peoples_committee",
            "agency": agency.pk,
            "place": "Phòng họp số 1",
            "starts_at": "2030-12-03T08:00",
            "ends_at": "2030-12-03T11:30",
            "access_hours_after_end": 24,
        },
    )
    assert response.status_code == 302
    from motcua.meetings.models import Meeting

    meeting = Meeting.objects.get(title="Họp UBND tỉnh tháng 12")
    services.add_delegate(meeting=meeting, full_name="Đại biểu A", actor=organiser)
    slips = client.post(reverse("meetings:slips", args=[meeting.code]))
    assert slips["Content-Type"] == "application/pdf" and slips.content.startswith(b"%PDF")


def test_late_invitations_warn_the_organiser(client, organiser, meeting):
    client.force_login(organiser)
    response = client.post(reverse("meetings:send_invitations", args=[meeting.code]), follow=True)
    assert "3 ngày làm việc" in response.content.decode()


def test_an_organiser_scanning_a_slip_at_the_door_checks_in_without_burning_it(
    client, organiser, members, meeting
):
    token, _code = services.issue_slip(delegate=members[0], actor=organiser)
    client.force_login(organiser)
    response = client.get(reverse("meetings:enter", args=[token]))
    assert response["Location"].startswith(reverse("meetings:manage", args=[meeting.code]))
    members[0].refresh_from_db()
    assert members[0].checked_in_by == organiser and members[0].check_in_method == Delegate.CheckIn.QR
    phone = client.__class__()
    assert phone.get(reverse("meetings:enter", args=[token]))["Location"] == reverse(
        "meetings:delegate", args=[meeting.code]
    )


def test_an_officer_of_another_agency_scanning_is_an_ordinary_scan(client, members, organiser, meeting):
    token, _code = services.issue_slip(delegate=members[0], actor=organiser)
    stranger = OfficerRoleFactory(role=OfficerRole.Role.MEETING_ORGANISER).user
    client.force_login(stranger)
    assert client.get(reverse("meetings:enter", args=[token]))["Location"] == reverse(
        "meetings:delegate", args=[meeting.code]
    )


def test_helpers_are_sent_from_the_organiser_list_to_helper_mode(client, helper_user):
    client.force_login(helper_user)
    assert client.get(reverse("meetings:organiser"))["Location"] == reverse("meetings:helper")


def test_an_officer_without_a_meeting_role_is_told_whom_to_ask(client, agency):
    desk = OfficerRoleFactory(agency=agency, role=OfficerRole.Role.DESK_OFFICER).user
    client.force_login(desk)
    response = client.get(reverse("meetings:organiser"))
    assert response.status_code == 403 and "quản trị viên" in response.content.decode()


def test_the_organiser_changes_the_place(client, organiser, meeting):
    client.force_login(organiser)
    page = client.get(reverse("meetings:manage", args=[meeting.code])).content.decode()
    assert 'name="edit-place"' in page
    response = client.post(
        reverse("meetings:edit", args=[meeting.code]),
        {
            "edit-title": meeting.title,
            "edit-place": "Hội trường mới",
            "edit-starts_at": "2030-01-02T08:00",
            "edit-ends_at": "2030-01-02T07:00",
            "edit-access_hours_after_end": 24,
        },
    )
    assert response.status_code == 400  # ends before it starts: said beside the field
    response = client.post(
        reverse("meetings:edit", args=[meeting.code]),
        {
            "edit-title": meeting.title,
            "edit-place": "Hội trường mới",
            "edit-starts_at": "2030-01-02T08:00",
            "edit-ends_at": "2030-01-02T11:00",
            "edit-access_hours_after_end": 24,
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "Hội trường mới"


def test_the_organiser_runs_votes_paper_items_and_the_conclusion_on_the_web(
    client, organiser, meeting, item, members
):
    from motcua.meetings.models import Conclusion, PaperItem

    client.force_login(organiser)
    manage = reverse("meetings:manage", args=[meeting.code])
    client.post(
        reverse("meetings:add_agenda_item", args=[meeting.code]),
        {"title": "Nội dung mật", "has_paper_secret_documents": "on"},
    )
    secret_item = meeting.agenda_items.get(title="Nội dung mật")
    assert 'name="description"' in client.get(manage).content.decode()  # the paper form appears
    client.post(
        reverse("meetings:hand_out_paper", args=[meeting.code]),
        {"agenda_item": secret_item.pk, "delegate": members[0].pk, "description": "Tài liệu số 7-M"},
    )
    paper = PaperItem.objects.get()
    client.post(reverse("meetings:return_paper", args=[meeting.code, paper.pk]))
    paper.refresh_from_db()
    assert paper.returned_to == organiser

    client.post(
        reverse("meetings:add_poll", args=[meeting.code]),
        {"agenda_item": item.pk, "question": "Thông qua?", "secret": "on"},
    )
    poll = Poll.objects.get()
    assert poll.secret
    client.post(reverse("meetings:poll_status", args=[meeting.code, poll.pk]), {"status": "open"})
    client.post(reverse("meetings:staff_check_in", args=[meeting.code, members[0].pk]))
    services.cast_vote(poll=poll, delegate=members[0], choice="yes")
    client.post(reverse("meetings:poll_status", args=[meeting.code, poll.pk]), {"status": "closed"})
    poll.refresh_from_db()
    assert poll.status == Poll.Status.CLOSED

    client.post(
        reverse("meetings:decision", args=[meeting.code, item.pk]),
        {"decision": "Giao Sở Tài chính tham mưu."},
    )
    client.post(reverse("meetings:conclusion", args=[meeting.code]), {"action": "draft"})
    draft = Conclusion.objects.get(meeting=meeting)
    assert "Giao Sở Tài chính tham mưu." in draft.text and draft.issued_at is None
    empty = client.post(reverse("meetings:conclusion", args=[meeting.code]), {"text": ""})
    assert empty.status_code == 400
    client.post(reverse("meetings:conclusion", args=[meeting.code]), {"text": draft.text})
    assert Conclusion.objects.get(meeting=meeting).issued_at is not None
    attendance = client.get(reverse("meetings:attendance_pdf", args=[meeting.code]))
    assert attendance["Content-Type"] == "application/pdf"
    poster = client.get(reverse("meetings:meeting_qr", args=[meeting.code]))
    assert poster.content.startswith(b"%PDF")


def test_a_new_version_on_the_web_and_reminders(client, organiser, meeting, document, members):
    client.force_login(organiser)
    services.open_version(delegate=members[0], version=document.versions.get())
    client.post(
        reverse("meetings:add_version", args=[meeting.code, document.pk]),
        {"note": "Cập nhật số liệu", "file": upload("v2.pdf", pdf_bytes(1))},
    )
    document.refresh_from_db()
    assert document.current_version == 2
    client.post(reverse("meetings:remind", args=[meeting.code, document.pk]))
    from motcua.meetings.models import Notice

    assert Notice.objects.filter(delegate=members[1]).exists()
    original = client.get(reverse("meetings:organiser_document", args=[meeting.code, document.pk]))
    assert original["Content-Type"] == "application/pdf"


def test_secret_ballot_counts_stay_hidden_until_the_vote_closes(client, organiser, meeting, item, members):
    poll = services.create_poll(agenda_item=item, question="Bầu Phó Chủ tịch", secret=True, actor=organiser)
    services.set_poll_status(poll=poll, status=Poll.Status.OPEN, actor=organiser)
    services.check_in(delegate=members[0], method=Delegate.CheckIn.STAFF, by=organiser)
    services.cast_vote(poll=poll, delegate=members[0], choice="no")
    client.force_login(organiser)
    manage = reverse("meetings:manage", args=[meeting.code])
    hidden = client.get(manage).content.decode()
    assert "không tán thành 1" not in hidden and "1/3 đã biểu quyết" in hidden
    services.set_poll_status(poll=poll, status=Poll.Status.CLOSED, actor=organiser)
    assert "không tán thành 1" in client.get(manage).content.decode()
