"""Back-office actions: reception, supplements and the paused clock, steps, apology, lateness."""

import datetime as dt

import pytest
from django.utils import timezone

from motcua.dossiers import backoffice, lifecycle, services
from motcua.dossiers.models import Dossier, DossierEvent, Status
from tests.dossiers.files import pdf_bytes, upload
from tests.factories import OfficerRoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(draft, citizen):
    services.save_answers(
        dossier=draft, answers={"ho_ten": "Trần Thị Bình", "ngay_sinh": "1995-03-12", "ten_tre": "K"}
    )
    services.add_attachment(
        dossier=draft, document_code="giay-chung-sinh", uploaded=upload("a.pdf", pdf_bytes()), actor=citizen
    )
    services.choose_payment(dossier=draft, at_desk=True)
    return services.submit(dossier=draft, actor=citizen)


@pytest.fixture
def desk(tree):
    return OfficerRoleFactory(agency=tree["one_stop"], role="desk_officer").user


@pytest.fixture
def specialist(tree):
    return OfficerRoleFactory(agency=tree["commune_pc"], role="specialist").user


@pytest.fixture
def leader(tree):
    return OfficerRoleFactory(agency=tree["commune_pc"], role="leader").user


def test_reception_fixes_the_appointment_and_enters_the_first_step(submitted, desk):
    received = backoffice.receive(dossier=submitted, actor=desk)
    assert received.status == Status.RECEIVED and received.received_at is not None
    assert received.current_step == "tiep-nhan" and received.step_due_at is not None
    event = DossierEvent.objects.get(dossier=received, action="receive")
    assert event.data["form"] == "01" and event.data["step"] == "tiep-nhan"


def test_a_supplement_request_needs_items_and_a_reason(submitted, desk):
    with pytest.raises(lifecycle.NotAllowed):
        backoffice.request_supplement(dossier=submitted, actor=desk, reason="Thiếu giấy", items=[])
    with pytest.raises(lifecycle.NotAllowed):
        backoffice.request_supplement(
            dossier=submitted, actor=desk, reason="", items=["Giấy chứng sinh rõ nét"]
        )
    assert Dossier.objects.get(pk=submitted.pk).status == Status.SUBMITTED


def test_the_clock_stops_while_the_citizen_supplements(submitted, desk, citizen, monkeypatch):
    received = backoffice.receive(dossier=submitted, actor=desk)
    due_before = received.due_at
    paused = backoffice.request_supplement(
        dossier=received, actor=desk, reason="Ảnh mờ", items=["Giấy chứng sinh rõ nét"]
    )
    assert paused.status == Status.SUPPLEMENT_REQUESTED and paused.paused_at and paused.supplement_deadline
    event = DossierEvent.objects.get(dossier=paused, action="request_supplement")
    assert event.data["form"] == "02" and event.data["items"] == [{"name": "Giấy chứng sinh rõ nét"}]
    # two working days later the citizen answers: the appointment moves by the paused working time
    later = timezone.now() + dt.timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    resumed = backoffice.supplement(dossier=paused, actor=citizen)
    assert resumed.status == Status.RECEIVED  # back where it was when the request was made
    assert resumed.paused_at is None and resumed.paused_hours > 0
    assert resumed.due_at > due_before


def test_only_one_supplement_request_by_default(submitted, desk, citizen):
    backoffice.request_supplement(dossier=submitted, actor=desk, reason="a", items=["x"])
    backoffice.supplement(dossier=submitted, actor=citizen)
    with pytest.raises(lifecycle.NotAllowed, match="once|một lần"):
        backoffice.request_supplement(dossier=submitted, actor=desk, reason="b", items=["y"])


def test_a_supplement_after_the_deadline_is_refused_and_the_dossier_expires(submitted, desk, citizen):
    backoffice.request_supplement(dossier=submitted, actor=desk, reason="a", items=["x"])
    Dossier.objects.filter(pk=submitted.pk).update(
        supplement_deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(lifecycle.NotAllowed):
        backoffice.supplement(dossier=submitted, actor=citizen)
    assert backoffice.refuse_expired_supplements() == 1
    refused = Dossier.objects.get(pk=submitted.pk)
    assert refused.status == Status.REFUSED and refused.finished_at
    assert DossierEvent.objects.get(dossier=refused, action="refuse").actor is None


def test_refusal_needs_a_reason_and_issues_form_03(submitted, desk):
    with pytest.raises(lifecycle.NotAllowed):
        backoffice.refuse(dossier=submitted, actor=desk, reason="  ")
    refused = backoffice.refuse(dossier=submitted, actor=desk, reason="Không thuộc thẩm quyền")
    assert refused.status == Status.REFUSED
    assert DossierEvent.objects.get(dossier=refused, action="refuse").data == {
        "form": "03",
        "reason": "Không thuộc thẩm quyền",
    }


def test_steps_move_forward_and_back(submitted, desk, specialist, leader):
    received = backoffice.receive(dossier=submitted, actor=desk)
    at_appraisal = backoffice.forward(dossier=received, actor=desk, to_user=specialist)
    assert at_appraisal.status == Status.IN_PROGRESS and at_appraisal.current_step == "tham-dinh"
    assert at_appraisal.assigned_to == specialist
    with pytest.raises(lifecycle.NotAllowed, match="last|cuối"):
        backoffice.forward(dossier=at_appraisal, actor=specialist)
    back = backoffice.send_back(dossier=at_appraisal, actor=specialist, reason="Cần xác minh lại")
    assert back.current_step == "tiep-nhan" and back.assigned_to == desk  # back to the step's officer
    with pytest.raises(lifecycle.NotAllowed):
        backoffice.send_back(dossier=back, actor=leader, reason="x")


def test_result_needs_a_leaders_approval(submitted, desk, leader):
    received = backoffice.receive(dossier=submitted, actor=desk)
    working = backoffice.forward(dossier=received, actor=desk)
    with pytest.raises(lifecycle.NotAllowed, match="approve|phê duyệt"):
        backoffice.issue_result(dossier=working, actor=leader)


def test_an_apology_sets_a_new_date_but_the_dossier_stays_late(submitted, desk, leader):
    received = backoffice.receive(dossier=submitted, actor=desk)
    first_due = received.due_at
    with pytest.raises(lifecycle.NotAllowed):
        backoffice.apologise(dossier=received, actor=leader, reason="Cần xác minh", new_due_at=first_due)
    cal = __import__("motcua.core.calendar", fromlist=["get_calendar"]).get_calendar()
    new_due = cal.add_working_days(first_due, 3)
    apologised = backoffice.apologise(
        dossier=received, actor=leader, reason="Cần xác minh", new_due_at=new_due
    )
    assert apologised.due_at == new_due and apologised.original_due_at == first_due
    assert backoffice.is_late(apologised, now=first_due + dt.timedelta(hours=1))
    assert DossierEvent.objects.get(dossier=apologised, action="apologise").data["form"] == "04"


def test_stop_needs_a_reason(submitted, desk, leader):
    received = backoffice.receive(dossier=submitted, actor=desk)
    stopped = backoffice.stop(dossier=received, actor=leader, reason="Người dân đề nghị dừng")
    assert stopped.status == Status.STOPPED and stopped.finished_at


def test_lateness_is_derived_and_the_pause_does_not_count(submitted, desk):
    received = backoffice.receive(dossier=submitted, actor=desk)
    assert not backoffice.is_late(received, now=received.due_at - dt.timedelta(minutes=1))
    assert backoffice.is_late(received, now=received.due_at + dt.timedelta(minutes=1))
    Dossier.objects.filter(pk=received.pk).update(paused_at=received.due_at - dt.timedelta(hours=1))
    received.refresh_from_db()
    assert not backoffice.is_late(received, now=received.due_at + dt.timedelta(days=5))


def test_return_by_post_needs_a_tracking_number(submitted, desk):
    Dossier.objects.filter(pk=submitted.pk).update(status=Status.RESOLVED)
    submitted.refresh_from_db()
    with pytest.raises(lifecycle.NotAllowed):
        backoffice.return_result(dossier=submitted, actor=desk, channel="post")
    returned = backoffice.return_result(
        dossier=submitted, actor=desk, channel="post", tracking_number="EB123456789VN"
    )
    assert returned.status == Status.RETURNED and returned.return_channel == "post" and returned.returned_at


def test_steps_are_assigned_automatically_to_the_least_loaded_officer(submitted, desk, tree, specialist):
    busy = specialist
    free = OfficerRoleFactory(agency=tree["commune_pc"], role="specialist").user
    other = Dossier.objects.create(
        procedure_version=submitted.procedure_version, applicant=submitted.applicant, status=Status.IN_PROGRESS,
        assigned_to=busy,
    )  # fmt: skip
    received = backoffice.receive(dossier=submitted, actor=desk)
    assert received.assigned_to == desk  # the receiving officer holds the reception step
    moved = backoffice.forward(dossier=received, actor=desk)
    assert moved.current_step == "tham-dinh" and moved.assigned_to == free
    event = DossierEvent.objects.filter(dossier=moved, action="forward").get()
    assert event.data["assigned_automatically"] is True
    assert other.assigned_to == busy


def test_automatic_assignment_can_be_switched_off(submitted, desk, specialist, monkeypatch):
    monkeypatch.setattr(backoffice, "AUTO_ASSIGN", False)
    received = backoffice.receive(dossier=submitted, actor=desk)
    assert received.assigned_to is None
    assert backoffice.forward(dossier=received, actor=desk).assigned_to is None


def test_a_dossier_is_given_only_to_an_officer_acting_at_its_agencies(
    submitted, desk, specialist, leader, tree
):
    from motcua.dossiers.selectors import assignable_officers

    elsewhere = OfficerRoleFactory(agency=tree["dept"], role="specialist").user  # another branch
    auditor = OfficerRoleFactory(agency=tree["commune_pc"], role="auditor").user
    above = OfficerRoleFactory(agency=tree["root"], role="leader").user  # the province, above both
    assert set(assignable_officers(submitted)) == {desk, specialist, leader, above}

    before = backoffice.receive(dossier=submitted, actor=desk).assigned_to_id
    for wrong in (elsewhere, auditor):
        with pytest.raises(lifecycle.NotAllowed) as refused:
            backoffice.assign(dossier=Dossier.objects.get(pk=submitted.pk), actor=leader, to_user=wrong)
        assert "cán bộ" in str(refused.value.message).lower()
        assert Dossier.objects.get(pk=submitted.pk).assigned_to_id == before
    given = backoffice.assign(dossier=Dossier.objects.get(pk=submitted.pk), actor=leader, to_user=specialist)
    assert given.assigned_to == specialist


def test_an_auditor_who_also_acts_at_the_agency_may_be_given_a_dossier(submitted, desk, tree):
    from motcua.dossiers.selectors import assignable_officers

    both = OfficerRoleFactory(agency=tree["root"], role="auditor").user
    OfficerRoleFactory(user=both, agency=tree["commune_pc"], role="specialist")
    assert both in set(assignable_officers(submitted))
