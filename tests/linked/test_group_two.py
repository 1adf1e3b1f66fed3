"""Group 2 (Decree 63/2024): death registration with the applicant's choice of 2, 3 or 4 procedures."""

from __future__ import annotations

import pytest

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, Status
from motcua.linked.models import StageState
from tests.linked.conftest import DEATH_ANSWERS, file_application, process_to_result

pytestmark = pytest.mark.django_db

BANK = {"dien_huong": "huu_tri", "so_tai_khoan": "0123456789", "ngan_hang": "Agribank Tây Ninh"}


def _file(citizen, tree, choice, **extra):
    answers = {**DEATH_ANSWERS, "so_thu_tuc": choice, **extra}
    return file_application(
        procedure_code="2.002913", answers=answers, citizen=citizen, tree=tree, documents=("giay-bao-tu",)
    )


@pytest.mark.parametrize(
    ("choice", "codes"),
    [
        ("2", ["1.000656", "1.003197"]),
        ("3-bhxh", ["1.000656", "1.003197", "1.014177"]),
        ("3-xa", ["1.000656", "1.003197", "1.001731"]),
        ("4", ["1.000656", "1.003197", "1.014177", "2.000821"]),
    ],
)
def test_the_applicant_chooses_two_three_or_four_procedures(catalog, citizen, tree, choice, codes):
    application = _file(citizen, tree, choice, **BANK)
    assert list(application.linked_stages.values_list("procedure_code", flat=True)) == codes
    opened = application.linked_stages.filter(state=StageState.OPEN)
    assert list(opened.values_list("procedure_code", flat=True)) == ["1.000656"]


def test_the_allowance_needs_the_bank_account_before_filing(catalog, citizen, tree):
    from motcua.catalog.models import ProcedureVersion

    version = ProcedureVersion.objects.get(procedure__code="2.002913", is_current=True)
    dossier, _ = services.start_draft(version=version, applicant=citizen)
    dossier = services.set_receiving_agency(dossier=dossier, agency=tree["one_stop"])
    dossier = services.save_answers(dossier=dossier, answers={**DEATH_ANSWERS, "so_thu_tuc": "3-bhxh"})
    problems = services.submission_problems(dossier)
    assert {"so_tai_khoan", "ngan_hang", "dien_huong"} <= set(problems)
    assert "Hưởng trợ cấp mai táng" in problems["so_tai_khoan"][0]
    with pytest.raises(services.SubmissionError):
        services.submit(dossier=dossier, actor=citizen)
    assert not Dossier.objects.filter(linked_parent=dossier).exists()  # nothing half-made
    dossier = services.save_answers(dossier=dossier, answers={"so_thu_tuc": "2"})
    assert set(services.submission_problems(dossier)) == {"tep_giay_bao_tu"}  # only the upload is left


def test_after_the_death_extract_the_others_open_in_parallel(catalog, citizen, tree, officers):
    application = _file(citizen, tree, "4", **BANK)
    death = application.linked_stages.get(procedure_code="1.000656").dossier
    process_to_result(death, officers["1.000656"])
    states = dict(application.linked_stages.values_list("procedure_code", "state"))
    assert states == {
        "1.000656": StageState.DONE,
        "1.003197": StageState.OPEN,
        "1.014177": StageState.OPEN,
        "2.000821": StageState.OPEN,
    }
    removal = application.linked_stages.get(procedure_code="1.003197").dossier
    assert removal.form_data["ly_do_xoa"] == "chet"
    assert removal.form_data["nguoi_bi_xoa_so_dinh_danh"] == "072050000123"


def test_a_refused_allowance_does_not_stop_the_residence_removal(catalog, citizen, tree, officers):
    from motcua.dossiers import backoffice

    application = _file(citizen, tree, "3-bhxh", **BANK)
    process_to_result(application.linked_stages.get(procedure_code="1.000656").dossier, officers["1.000656"])
    allowance = application.linked_stages.get(procedure_code="1.014177").dossier
    backoffice.refuse(
        dossier=allowance, actor=officers["1.014177"]["desk"], reason="Người mất không thuộc diện hưởng"
    )
    removal = application.linked_stages.get(procedure_code="1.003197")
    assert removal.state == StageState.OPEN
    process_to_result(removal.dossier, officers["1.003197"])
    application = Dossier.objects.get(pk=application.pk)
    assert application.status == Status.RESOLVED
    refused = application.linked_stages.get(procedure_code="1.014177")
    assert refused.state == StageState.FAILED and refused.reason == "Người mất không thuộc diện hưởng"
