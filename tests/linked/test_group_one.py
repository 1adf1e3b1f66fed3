"""Group 1 (Decree 63/2024): birth registration → permanent residence and health-insurance card."""

from __future__ import annotations

import pytest

from motcua.dossiers import backoffice
from motcua.dossiers.models import Dossier, Status
from motcua.linked.models import Stage, StageState
from tests.linked.conftest import BIRTH_ANSWERS, file_application, process_to_result

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(catalog, citizen, tree):
    return file_application(procedure_code="2.000986", answers=BIRTH_ANSWERS, citizen=citizen, tree=tree)


def _stage(application, code) -> Stage:
    return Stage.objects.select_related("dossier").get(application=application, procedure_code=code)


def test_filing_once_makes_three_stages_and_opens_only_the_birth_registration(application, tree):
    stages = list(application.linked_stages.order_by("position"))
    assert [s.procedure_code for s in stages] == ["1.001193", "1.004222", "1.001939"]
    assert [s.state for s in stages] == [StageState.OPEN, StageState.WAITING, StageState.WAITING]
    birth = stages[0].dossier
    assert birth.status == Status.SUBMITTED and birth.code.startswith("001.08.40.H53-")
    assert birth.receiving_agency == tree["one_stop"] and birth.competent_agency == tree["commune_pc"]
    assert birth.linked_parent == application and birth.form_data["tre_ho_ten"] == "Nguyễn Bảo Ngọc"
    assert birth.attachments.get().document_code == "giay-chung-sinh"  # the one upload, handed on
    assert application.status == Status.SUBMITTED and application.is_linked_application


def test_the_application_is_not_in_any_desk_queue_but_the_open_stage_is(application, officers):
    from motcua.desk.selectors import queue

    desk = officers["1.001193"]["desk"]
    codes = set(queue(desk, "reception").values_list("code", flat=True))
    assert _stage(application, "1.001193").dossier.code in codes
    assert application.code not in codes
    police_desk = officers["1.004222"]["desk"]
    assert not queue(police_desk, "reception").exists()  # residence waits for the birth certificate


def test_the_birth_result_hands_the_new_personal_id_to_both_next_stages(application, officers, tree):
    from motcua.registers.models import Resident

    birth = _stage(application, "1.001193").dossier
    process_to_result(birth, officers["1.001193"])
    done = _stage(application, "1.001193")
    assert done.state == StageState.DONE
    child_id = done.outputs["so_dinh_danh_tre"]
    assert Resident.objects.get(personal_id=child_id).full_name == "Nguyễn Bảo Ngọc"
    assert child_id[3] == "3"  # born in the 2000s, female
    assert done.outputs["so_dang_ky_khai_sinh"] == birth.results.get().number

    residence = _stage(application, "1.004222")
    insurance = _stage(application, "1.001939")
    assert residence.state == insurance.state == StageState.OPEN
    assert residence.dossier.competent_agency == tree["police"]
    assert residence.dossier.receiving_agency == tree["police"]
    assert insurance.dossier.competent_agency == tree["bhxh"]
    assert residence.dossier.form_data["nguoi_cung_chuyen"][0]["tv_so_dinh_danh"] == child_id
    assert insurance.dossier.form_data["tre_so_dinh_danh"] == child_id
    assert Dossier.objects.get(pk=application.pk).status == Status.IN_PROGRESS


def test_each_stage_has_its_own_budget_within_the_overall_three_days(application, officers):
    from motcua.core.calendar import get_calendar

    application = Dossier.objects.get(pk=application.pk)
    birth = _stage(application, "1.001193")
    assert birth.due_at == birth.dossier.due_at
    assert birth.due_at == get_calendar().add_working_days(birth.opened_at, 1, cutoff=True)
    process_to_result(birth.dossier, officers["1.001193"])
    residence = _stage(application, "1.004222")
    assert residence.due_at == get_calendar().add_working_days(residence.opened_at, 2, cutoff=False)
    assert application.due_at == get_calendar().add_working_days(application.submitted_at, 3)


def test_all_three_results_reach_the_parent_and_the_application_is_resolved(application, officers):
    process_to_result(_stage(application, "1.001193").dossier, officers["1.001193"])
    process_to_result(_stage(application, "1.004222").dossier, officers["1.004222"])
    assert Dossier.objects.get(pk=application.pk).status == Status.IN_PROGRESS
    process_to_result(_stage(application, "1.001939").dossier, officers["1.001939"])
    application = Dossier.objects.get(pk=application.pk)
    assert application.status == Status.RESOLVED and application.finished_at is not None
    from motcua.results.selectors import results_of

    numbers = {r.dossier.linked_stage.procedure_code for r in results_of(application.applicant)}
    assert numbers == {"1.001193", "1.004222", "1.001939"}  # in the parent's data store
    assert _stage(application, "1.001939").outputs["so_the_bhyt"]


def test_the_application_is_returned_when_every_result_is_returned(application, officers):
    for code in ("1.001193", "1.004222", "1.001939"):
        dossier = process_to_result(_stage(application, code).dossier, officers[code])
        backoffice.return_result(dossier=dossier, actor=officers[code]["desk"], channel="online")
    application = Dossier.objects.get(pk=application.pk)
    assert application.status == Status.RETURNED and application.returned_at is not None


def test_a_supplement_at_one_agency_shows_on_the_application_and_the_group_waits(application, officers):
    birth = _stage(application, "1.001193").dossier
    birth = backoffice.receive(dossier=birth, actor=officers["1.001193"]["desk"])
    backoffice.request_supplement(
        dossier=birth,
        actor=officers["1.001193"]["desk"],
        reason="Ảnh giấy chứng sinh bị mờ",
        items=["Giấy chứng sinh rõ nét"],
    )
    stage = _stage(application, "1.001193")
    assert stage.state == StageState.SUPPLEMENT and stage.reason == "Ảnh giấy chứng sinh bị mờ"
    assert Dossier.objects.get(pk=application.pk).status == Status.SUPPLEMENT_REQUESTED
    assert _stage(application, "1.004222").state == StageState.WAITING


def test_a_refused_birth_registration_stops_the_group_and_the_citizen_sees_why(application, officers):
    birth = _stage(application, "1.001193").dossier
    backoffice.refuse(
        dossier=birth, actor=officers["1.001193"]["desk"], reason="Trẻ đã được đăng ký khai sinh"
    )
    stages = {s.procedure_code: s for s in application.linked_stages.all()}
    assert stages["1.001193"].state == StageState.FAILED
    assert stages["1.001193"].reason == "Trẻ đã được đăng ký khai sinh"
    assert stages["1.004222"].state == stages["1.001939"].state == StageState.CANCELLED
    assert Dossier.objects.get(pk=application.pk).status == Status.REFUSED


def test_a_refused_card_keeps_the_results_already_issued(application, officers):
    process_to_result(_stage(application, "1.001193").dossier, officers["1.001193"])
    process_to_result(_stage(application, "1.004222").dossier, officers["1.004222"])
    card = _stage(application, "1.001939").dossier
    backoffice.refuse(dossier=card, actor=officers["1.001939"]["desk"], reason="Đã có thẻ")
    application = Dossier.objects.get(pk=application.pk)
    assert application.status == Status.RESOLVED  # partial: two results stand
    assert _stage(application, "1.001193").dossier.results.exists()
    assert _stage(application, "1.004222").dossier.results.exists()


def test_officers_cannot_act_on_the_application_itself(application, officers):
    from motcua.dossiers import lifecycle

    desk = officers["1.001193"]["desk"]
    assert lifecycle.allowed_actions(application, desk) == []
    with pytest.raises(lifecycle.NotAllowed):
        backoffice.receive(dossier=application, actor=desk)


def test_the_configuration_is_kept_as_filed(application):
    from motcua.catalog.models import LinkedGroupMember

    LinkedGroupMember.objects.filter(procedure__code="1.004222").update(time_budget=9)
    assert _stage(application, "1.004222").config["time_budget"] == "2.0"


def test_when_the_register_gives_no_number_the_birth_result_is_not_issued(application, officers, monkeypatch):
    from motcua.dossiers import lifecycle
    from motcua.registers import services as register_services
    from motcua.registers.ports import RegisterUnavailable

    def unavailable(**kwargs):
        raise RegisterUnavailable("down")

    monkeypatch.setattr(register_services, "register_birth", unavailable)
    birth = _stage(application, "1.001193").dossier
    team = officers["1.001193"]
    birth = backoffice.receive(dossier=birth, actor=team["desk"])
    birth = backoffice.forward(dossier=birth, actor=team["desk"], to_user=team["specialist"])
    birth = backoffice.forward(dossier=birth, actor=team["specialist"], to_user=team["leader"])
    birth = backoffice.approve(dossier=birth, actor=team["leader"])
    with pytest.raises(lifecycle.TransitionError, match="định danh|personal ID"):
        backoffice.issue_result(dossier=birth, actor=team["leader"])
    assert Dossier.objects.get(pk=birth.pk).status == Status.IN_PROGRESS
    assert not birth.results.exists()
    assert _stage(application, "1.001193").state == StageState.OPEN
    assert _stage(application, "1.004222").state == StageState.WAITING


def test_a_stage_without_an_agency_cannot_open_and_nothing_is_made(catalog, citizen, tree, officers):
    from motcua.org.models import Agency

    Agency.objects.filter(kind="commune_police").update(is_active=False)
    application = file_application(
        procedure_code="2.000986", answers=BIRTH_ANSWERS, citizen=citizen, tree=tree
    )
    from motcua.dossiers import lifecycle

    birth = _stage(application, "1.001193").dossier
    with pytest.raises(lifecycle.TransitionError, match="Công an|1.004222|Đăng ký thường trú"):
        process_to_result(birth, officers["1.001193"])
    assert Dossier.objects.get(pk=birth.pk).status == Status.IN_PROGRESS
    assert _stage(application, "1.004222").dossier is None


def test_a_stage_whose_office_has_no_number_left_today_waits_and_opens_later(application, officers, tree):
    """The officer's result stands; the stage opens when the periodic job finds a number free."""
    from django.core.management import call_command
    from django.utils import timezone

    from motcua.dossiers.models import DossierCodeSequence
    from motcua.linked.services import POSTPONED_REASON, open_postponed_stages

    today = timezone.localdate()
    DossierCodeSequence.objects.create(agency=tree["police"], day=today, last=9999)
    birth = _stage(application, "1.001193").dossier
    process_to_result(birth, officers["1.001193"])  # no error for the officer

    assert _stage(application, "1.001193").state == StageState.DONE
    residence = _stage(application, "1.004222")
    assert residence.state == StageState.WAITING and residence.dossier is None
    assert residence.reason == str(POSTPONED_REASON)
    assert _stage(application, "1.001939").state == StageState.OPEN  # another office, numbers left
    assert not Dossier.objects.filter(linked_parent=application, competent_agency=tree["police"]).exists()
    assert DossierCodeSequence.objects.get(agency=tree["police"], day=today).last == 9999

    assert open_postponed_stages() == 1  # still none free: it stays waiting, nothing half-made
    assert _stage(application, "1.004222").state == StageState.WAITING

    DossierCodeSequence.objects.filter(agency=tree["police"]).delete()  # a new day's numbers
    call_command("periodic")  # once
    residence = _stage(application, "1.004222")
    assert residence.state == StageState.OPEN and residence.reason == ""
    assert residence.dossier.code.startswith(tree["police"].code + "-")
    assert residence.dossier.form_data["nguoi_cung_chuyen"][0]["tv_so_dinh_danh"]
    assert open_postponed_stages() == 0
