"""Rules of the workbench: plans, assessments, observations, cost sheets, proposals, follow-up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.catalog.models import ProcedureVersion
from motcua.core.models import AuditRecord
from motcua.reform import selectors, services
from motcua.reform.models import Answer, Assessment, CostLine, HourlyValue, Proposal, QuestionBank, Suggestion
from motcua.reform.services import ReformError

TODAY = dt.date.today()


def observe(assignment, actor, activity, hours, money=0):
    return services.record_observation(
        assignment=assignment, activity=activity, hours=hours, money_vnd=money, observed_on=TODAY, actor=actor
    )


@pytest.fixture
def observed(team_assignment, people):
    for hours, money in (("2", 20000), ("3", 30000), ("9", 150000)):
        observe(team_assignment, people["community"], "travel", hours, money)
    observe(team_assignment, people["community"], "prepare", "4", 10000)
    return team_assignment


@pytest.fixture
def before_sheet(assessment, observed, hourly, people):
    return services.prepare_cost_sheet(assessment=assessment, actor=people["dept"])


@pytest.fixture
def proposal(before_sheet, assessment, people):
    return services.create_proposal(
        assessment=assessment,
        action="simplify",
        authority="province",
        reasons="Căn cước đã có trong CSDL quốc gia về dân cư",
        legal_instrument="Sửa Điều 22 Nghị định 123/2015/NĐ-CP",
        actor=people["dept"],
    )


# --- settings and question bank


def test_the_question_bank_is_loaded_by_the_migration_and_versioned(db):
    bank = QuestionBank.objects.get(is_current=True)
    codes = set(bank.questions.values_list("code", flat=True))
    assert {"N1", "R-DOC", "R-DOC-DATA", "R-TIME", "R-FEE", "L1"} <= codes
    assert services.load_question_bank().pk == bank.pk  # loading the same version again changes nothing


def test_an_hourly_value_without_a_source_is_refused(people):
    with pytest.raises(ReformError) as caught:
        services.set_hourly_value(
            year=2025, value_vnd=40000, source="  ", source_date=TODAY, actor=people["reform"]
        )
    assert caught.value.field == "source"
    assert not HourlyValue.objects.exists()


def test_a_new_hourly_value_becomes_the_only_default(hourly, people):
    newer = services.set_hourly_value(
        year=2026,
        value_vnd=45000,
        source="Niên giám thống kê 2026",
        source_date=TODAY,
        actor=people["reform"],
    )
    assert selectors.default_hourly_value() == newer
    assert HourlyValue.objects.filter(is_default=True).count() == 1


@pytest.mark.parametrize("value", [-1, 0, "abc"])
def test_a_negative_or_zero_hourly_value_is_refused(people, value):
    with pytest.raises(ReformError):
        services.set_hourly_value(
            year=2025, value_vnd=value, source="x", source_date=TODAY, actor=people["reform"]
        )


def test_only_reform_officers_set_the_hourly_value(people):
    with pytest.raises(ReformError):
        services.set_hourly_value(year=2025, value_vnd=1, source="x", source_date=TODAY, actor=people["dept"])


# --- plans


def test_only_a_reform_officer_creates_a_plan(tree, people):
    with pytest.raises(ReformError):
        services.create_plan(year=2026, title="x", owner=tree["root"], actor=people["dept"])


def test_assigning_an_unknown_procedure_is_refused(plan, tree, people):
    with pytest.raises(ReformError) as caught:
        services.assign(
            plan=plan,
            procedure_code="9.999999",
            agency=tree["justice"],
            team="department",
            due_date=dt.date(2026, 6, 1),
            actor=people["reform"],
        )
    assert caught.value.field == "procedure"


def test_progress_counts_done_and_overdue(dept_assignment, team_assignment, plan, people):
    services.complete_assignment(assignment=team_assignment, actor=people["community"])
    progress = selectors.plan_progress(plan)
    assert progress["total"] == 2 and progress["done"] == 1
    assert progress["percent"] == Decimal("50.00")


def test_assignments_are_listed_for_the_right_people(dept_assignment, team_assignment, people):
    assert list(selectors.assignments_for(people["dept"])) == [dept_assignment]
    assert list(selectors.assignments_for(people["community"])) == [team_assignment]
    assert list(selectors.assignments_for(people["other_dept"])) == []


# --- assessment


def test_a_second_assessment_of_the_same_version_in_one_plan_is_refused(
    assessment, plan, procedure, tree, people
):
    other = services.assign(
        plan=plan,
        procedure_code=procedure.code,
        agency=tree["land"],
        team="department",
        due_date=dt.date(2026, 6, 1),
        actor=people["reform"],
    )
    with pytest.raises(ReformError) as caught:
        services.start_assessment(assignment=other, actor=people["other_dept"])
    assert "already being assessed" in str(caught.value) or "đang được đánh giá" in str(caught.value)
    assert Assessment.objects.count() == 1


def test_the_same_version_may_be_assessed_in_another_plan(assessment, procedure, tree, people):
    plan2 = services.create_plan(year=2027, title="2027", owner=tree["root"], actor=people["reform"])
    a2 = services.assign(
        plan=plan2,
        procedure_code=procedure.code,
        agency=tree["justice"],
        team="department",
        due_date=dt.date(2027, 6, 1),
        actor=people["reform"],
    )
    assert services.start_assessment(assignment=a2, actor=people["dept"]).version == assessment.version


def test_a_community_team_cannot_start_the_assessment(team_assignment, people):
    with pytest.raises(ReformError):
        services.start_assessment(assignment=team_assignment, actor=people["community"])


def test_another_department_cannot_answer(assessment, people):
    with pytest.raises(ReformError):
        services.save_answers(
            assessment=assessment, answers=[{"question": "N1", "value": "yes"}], actor=people["other_dept"]
        )


def test_answers_per_document_with_reason_proposal_and_legal_reference(assessment, people):
    written = services.save_answers(
        assessment=assessment,
        answers=[
            {
                "question": "R-DOC-DATA",
                "item": "cccd",
                "value": "yes",
                "reason": "CSDL dân cư",
                "proposal": "Bỏ bản sao căn cước",
                "legal_ref": "Điều 22 NĐ 123/2015",
            },
            {"question": "N1", "item": "", "value": "yes", "reason": "Xác nhận tình trạng hôn nhân"},
        ],
        actor=people["dept"],
    )
    assert written == 2
    answer = Answer.objects.get(question__code="R-DOC-DATA")
    assert (answer.item, answer.proposal, answer.legal_ref) == (
        "cccd",
        "Bỏ bản sao căn cước",
        "Điều 22 NĐ 123/2015",
    )


def test_a_no_without_a_reason_is_refused(assessment, people):
    with pytest.raises(ReformError) as caught:
        services.save_answers(
            assessment=assessment, answers=[{"question": "R-TIME", "value": "no"}], actor=people["dept"]
        )
    assert caught.value.field == "R-TIME|"


def test_an_answer_for_an_item_the_version_does_not_have_is_refused(assessment, people):
    with pytest.raises(ReformError):
        services.save_answers(
            assessment=assessment,
            answers=[{"question": "R-DOC", "item": "nope", "value": "yes"}],
            actor=people["dept"],
        )


def test_a_submitted_assessment_is_frozen(assessment, people):
    services.save_answers(
        assessment=assessment, answers=[{"question": "N1", "value": "yes"}], actor=people["dept"]
    )
    services.submit_assessment(assessment=assessment, actor=people["dept"])
    with pytest.raises(ReformError):
        services.save_answers(
            assessment=assessment, answers=[{"question": "N2", "value": "yes"}], actor=people["dept"]
        )


# --- observations and the lower-average rule


@pytest.mark.parametrize(
    ("hours", "money", "field"), [("-1", 0, "hours"), ("1", -500, "money_vnd"), ("x", 0, "hours")]
)
def test_negative_hours_or_money_are_refused(team_assignment, people, hours, money, field):
    with pytest.raises(ReformError) as caught:
        observe(team_assignment, people["community"], "travel", hours, money)
    assert caught.value.field == field


def test_only_the_team_records_observations(team_assignment, people):
    with pytest.raises(ReformError):
        observe(team_assignment, people["other_dept"], "travel", "1")


def test_the_cost_sheet_takes_the_lower_average_of_disagreeing_observations(before_sheet):
    travel = before_sheet.lines.get(activity="travel")
    # 2, 3, 9 h: median 3 → mean of 2 and 3; money 20,000 / 30,000 / 150,000 → 25,000
    assert travel.hours == Decimal("2.50")
    assert travel.out_of_pocket_vnd == 25000
    assert travel.rule == CostLine.Rule.LOWER_AVERAGE and travel.observations == 3


def test_the_people_per_year_default_to_motcua_dossiers_of_the_previous_year(before_sheet, procedure):
    assert before_sheet.subjects == selectors.dossier_count(procedure, 2025) == 0
    assert "2025" in before_sheet.subjects_source


def test_dossier_count_counts_filed_dossiers_of_the_year_only(procedure, tree):
    from motcua.dossiers.models import Dossier
    from tests.factories import CitizenFactory

    version = ProcedureVersion.objects.get(procedure=procedure, is_current=True)
    citizen = CitizenFactory()
    stamp = dt.datetime(2025, 6, 1, 3, tzinfo=dt.UTC)
    for status, submitted in (
        ("received", stamp),
        ("returned", stamp),
        ("draft", None),
        ("received", dt.datetime(2024, 6, 1, tzinfo=dt.UTC)),
    ):
        Dossier.objects.create(
            procedure_version=version, applicant=citizen, status=status, submitted_at=submitted
        )
    assert selectors.dossier_count(procedure, 2025) == 2
    assert selectors.dossier_count(procedure, 2024) == 1


def test_overriding_the_number_of_people_needs_a_source(before_sheet, people):
    with pytest.raises(ReformError) as caught:
        services.update_cost_sheet(
            sheet=before_sheet,
            lines={},
            fees_vnd=10000,
            frequency="1",
            subjects=5000,
            subjects_source="",
            actor=people["dept"],
        )
    assert caught.value.field == "subjects_source"
    services.update_cost_sheet(
        sheet=before_sheet,
        lines={"travel": {"hours": "2.5", "out_of_pocket_vnd": "25000"}},
        fees_vnd=10000,
        frequency="1",
        subjects=5000,
        subjects_source="Báo cáo Sở Tư pháp 2025",
        actor=people["dept"],
    )
    before_sheet.refresh_from_db()
    assert (before_sheet.subjects, before_sheet.subjects_source) == (5000, "Báo cáo Sở Tư pháp 2025")
    assert list(before_sheet.lines.values_list("activity", flat=True)) == ["travel"]


def test_negative_cost_lines_are_refused(before_sheet, people):
    with pytest.raises(ReformError):
        services.update_cost_sheet(
            sheet=before_sheet,
            lines={"travel": {"hours": "-2", "out_of_pocket_vnd": "0"}},
            fees_vnd=0,
            frequency="1",
            subjects=0,
            subjects_source="",
            actor=people["dept"],
        )


def test_a_cost_sheet_needs_an_hourly_value(assessment, people):
    with pytest.raises(ReformError):
        services.prepare_cost_sheet(assessment=assessment, actor=people["dept"])


# --- proposals


def test_a_proposal_is_a_draft_version_in_the_catalog(proposal):
    assert proposal.after_version.status == ProcedureVersion.Status.DRAFT
    assert proposal.before_version.is_current
    assert proposal.after_version.number == proposal.before_version.number + 1
    assert proposal.assessment.cost_sheets.count() == 2


def test_changes_are_applied_to_the_draft_and_the_saving_is_shown(proposal, people):
    services.update_cost_sheet(
        sheet=proposal.assessment.cost_sheets.get(kind="before"),
        lines={
            "travel": {"hours": "2.5", "out_of_pocket_vnd": "25000"},
            "prepare": {"hours": "4", "out_of_pocket_vnd": "10000"},
        },
        fees_vnd=10000,
        frequency="1",
        subjects=1000,
        subjects_source="Báo cáo 2025",
        actor=people["dept"],
    )
    services.add_change(
        proposal=proposal,
        kind="replace_by_data",
        target="cccd",
        data_source="CSDL quốc gia về dân cư",
        reason="Đã có dữ liệu",
        actor=people["dept"],
    )
    services.add_change(
        proposal=proposal,
        kind="shorten_time",
        value="1",
        reason="Tra cứu dữ liệu điện tử",
        actor=people["dept"],
    )
    after = proposal.assessment.cost_sheets.get(kind="after")
    services.update_cost_sheet(
        sheet=after,
        lines={
            "travel": {"hours": "0.5", "out_of_pocket_vnd": "0"},
            "prepare": {"hours": "1", "out_of_pocket_vnd": "0"},
        },
        fees_vnd=10000,
        frequency="1",
        subjects=1000,
        subjects_source="Báo cáo 2025",
        actor=people["dept"],
    )
    proposal.refresh_from_db()
    side = selectors.side_by_side(proposal)
    assert [d.code for d in side.removed_documents] == ["cccd"]
    assert side.after.processing_time == Decimal("1.0") and side.days_saved == Decimal("2.0")
    # before: 6.5 h × 40,000 + 35,000 + 10,000 = 305,000; after: 1.5 h × 40,000 + 10,000 = 70,000
    assert side.comparison.before.unit_cost_vnd == 305_000
    assert side.comparison.after.unit_cost_vnd == 70_000
    assert side.comparison.yearly_saving_vnd == 235_000_000
    assert side.comparison.reduction_percent == Decimal("77.05")
    assert side.comparison.yearly_hours_saved == Decimal("5000.00")
    # the e-form field that asked for the removed document went with it
    assert "cccd" not in str(proposal.after_version.form_spec)


def test_a_change_that_is_not_a_cut_is_refused(proposal, people):
    for kind, target, value in (
        ("shorten_time", "", "3"),
        ("shorten_time", "", "-1"),
        ("cut_fee", "0", "20000"),
        ("raise_online", "", "none"),
        ("remove_document", "nope", ""),
    ):
        with pytest.raises(ReformError):
            services.add_change(
                proposal=proposal, kind=kind, target=target, value=value, reason="r", actor=people["dept"]
            )
    assert not proposal.changes.exists()


def test_a_cut_fee_updates_the_after_sheet(proposal, people):
    services.add_change(
        proposal=proposal,
        kind="cut_fee",
        target="0",
        value="5000",
        reason="Giảm lệ phí",
        actor=people["dept"],
    )
    assert proposal.assessment.cost_sheets.get(kind="after").fees_vnd == 5000
    assert proposal.assessment.cost_sheets.get(kind="before").fees_vnd == 10000


def test_a_proposal_on_a_procedure_already_republished_is_refused(
    before_sheet, assessment, procedure, people
):
    from motcua.catalog import services as catalog_services

    draft = catalog_services.create_draft(procedure=procedure)
    catalog_services.publish_version(version=draft)
    with pytest.raises(ReformError) as caught:
        services.create_proposal(
            assessment=assessment,
            action="simplify",
            authority="province",
            reasons="r",
            legal_instrument="x",
            actor=people["dept"],
        )
    assert "republished" in caught.value.message or "công bố lại" in caught.value.message
    assert not Proposal.objects.exists()


def test_a_recommendation_to_a_ministry_names_the_ministry(before_sheet, assessment, people):
    with pytest.raises(ReformError) as caught:
        services.create_proposal(
            assessment=assessment,
            action="simplify",
            authority="ministry",
            reasons="r",
            legal_instrument="x",
            actor=people["dept"],
        )
    assert caught.value.field == "ministry"


# --- follow-up


def test_follow_up_goes_one_stage_at_a_time_and_republishes_through_the_catalog(proposal, people):
    reform = people["reform"]
    with pytest.raises(ReformError):
        services.advance_proposal(
            proposal=proposal, to="legal_issued", on=TODAY, reference="QĐ 1", actor=reform
        )
    with pytest.raises(ReformError):
        services.advance_proposal(proposal=proposal, to="approved", on=TODAY, actor=people["dept"])
    services.advance_proposal(proposal=proposal, to="approved", on=TODAY, actor=reform)
    with pytest.raises(ReformError) as caught:
        services.advance_proposal(proposal=proposal, to="legal_issued", on=TODAY, reference="", actor=reform)
    assert caught.value.field == "reference"
    services.advance_proposal(
        proposal=proposal, to="legal_issued", on=TODAY, reference="QĐ 12/2026/QĐ-UBND", actor=reform
    )
    with pytest.raises(ReformError):
        services.add_change(
            proposal=proposal, kind="shorten_time", value="1", reason="r", actor=people["dept"]
        )
    services.advance_proposal(proposal=proposal, to="republished", on=TODAY, actor=reform)
    proposal.refresh_from_db()
    assert proposal.after_version.is_current and proposal.after_version.status == "published"
    services.advance_proposal(proposal=proposal, to="applied", on=TODAY, actor=reform)
    proposal.refresh_from_db()
    assert proposal.status == "applied"
    assert list(proposal.events.values_list("status", flat=True)) == [
        "draft",
        "approved",
        "legal_issued",
        "republished",
        "applied",
    ]
    assert AuditRecord.objects.filter(action="reform.proposal.advance").count() == 4
    with pytest.raises(ReformError):
        services.advance_proposal(proposal=proposal, to="rejected", on=TODAY, actor=reform)


def test_follow_up_dates_cannot_be_in_the_future(proposal, people):
    with pytest.raises(ReformError):
        services.advance_proposal(
            proposal=proposal, to="approved", on=TODAY + dt.timedelta(days=3), actor=people["reform"]
        )


def test_the_monthly_report_counts_only_enacted_cuts(proposal, people):
    report = selectors.resolution66(year=TODAY.year, month=TODAY.month)
    assert report["proposed"] == 1 and report["counted"] == 0
    services.advance_proposal(proposal=proposal, to="approved", on=TODAY, actor=people["reform"])
    services.advance_proposal(
        proposal=proposal, to="legal_issued", on=TODAY, reference="QĐ 1", actor=people["reform"]
    )
    report = selectors.resolution66(year=TODAY.year, month=TODAY.month)
    assert report["counted"] == 1
    assert [f["count"] for f in report["funnel"]] == [1, 1, 0, 0]


def test_a_simplification_plan_collects_proposals(proposal, plan, people):
    splan = services.create_simplification_plan(
        review_plan=plan, title="Phương án 2026", proposals=[proposal], actor=people["reform"]
    )
    assert list(splan.proposals.all()) == [proposal]
    assert len(selectors.annex(plan)) == 1
    assert selectors.annex(plan, authority="ministry") == []


# --- citizens' voice


def test_suggestions_are_moderated_before_they_reach_the_assessment(procedure, people):
    s = services.submit_suggestion(procedure=procedure, text="Phải nộp bản sao căn cước dù đã có VNeID")
    assert not selectors.accepted_suggestions(procedure).exists()
    with pytest.raises(ReformError):
        services.moderate_suggestion(suggestion=s, accept=True, actor=people["dept"])
    services.moderate_suggestion(suggestion=s, accept=True, actor=people["reform"])
    assert list(selectors.accepted_suggestions(procedure)) == [s]
    with pytest.raises(ReformError):
        services.moderate_suggestion(suggestion=s, accept=False, actor=people["reform"])


def test_a_too_short_suggestion_is_refused(procedure):
    with pytest.raises(ReformError):
        services.submit_suggestion(procedure=procedure, text="khó")
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    ("hours", "money", "expected"),
    [("2,5", "30.000", ("2.50", 30000)), ("1.25", "1 200 000", ("1.25", 1200000))],
)
def test_vietnamese_number_formats_are_understood(team_assignment, people, hours, money, expected):
    observation = observe(team_assignment, people["community"], "travel", hours, money)
    assert (str(observation.hours), observation.money_vnd) == expected


def test_a_decimal_amount_of_money_is_refused(team_assignment, people):
    with pytest.raises(ReformError):
        observe(team_assignment, people["community"], "travel", "1", "30000.5")


def test_before_and_after_use_the_same_number_of_subjects(proposal, people):
    before = proposal.assessment.cost_sheets.get(kind="before")
    after = proposal.assessment.cost_sheets.get(kind="after")
    services.update_cost_sheet(
        sheet=before,
        lines={},
        fees_vnd=10000,
        frequency="1",
        subjects=700,
        subjects_source="Thống kê 2025",
        actor=people["dept"],
    )
    after.refresh_from_db()
    assert (after.subjects, after.subjects_source) == (700, "Thống kê 2025")
    with pytest.raises(ReformError) as caught:
        services.update_cost_sheet(
            sheet=after,
            lines={},
            fees_vnd=10000,
            frequency="1",
            subjects=500,
            subjects_source="x",
            actor=people["dept"],
        )
    assert caught.value.field == "subjects"
    # a lower frequency after simplification is allowed (e.g. 12 reports a year → 4)
    services.update_cost_sheet(
        sheet=after,
        lines={},
        fees_vnd=10000,
        frequency="0.5",
        subjects=700,
        subjects_source="",
        actor=people["dept"],
    )


def test_cost_sheets_freeze_once_the_proposal_is_approved(proposal, people):
    services.advance_proposal(proposal=proposal, to="approved", on=TODAY, actor=people["reform"])
    for kind in ("before", "after"):
        sheet = proposal.assessment.cost_sheets.get(kind=kind)
        with pytest.raises(ReformError):
            services.update_cost_sheet(
                sheet=sheet,
                lines={},
                fees_vnd=0,
                frequency="1",
                subjects=sheet.subjects,
                subjects_source="",
                actor=people["dept"],
            )


def test_changes_never_touch_the_published_version(proposal, people):
    before = proposal.before_version
    documents = list(before.documents.values_list("code", flat=True))
    services.add_change(
        proposal=proposal, kind="remove_document", target="cccd", reason="r", actor=people["dept"]
    )
    services.add_change(proposal=proposal, kind="shorten_time", value="2", reason="r", actor=people["dept"])
    before.refresh_from_db()
    assert list(before.documents.values_list("code", flat=True)) == documents
    assert before.processing_time == 3 and before.is_current


def test_workbench_actions_are_audited(proposal, people):
    services.add_change(proposal=proposal, kind="shorten_time", value="2", reason="r", actor=people["dept"])
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {
        "reform.plan.create",
        "reform.assign",
        "reform.observation",
        "reform.assessment.start",
        "reform.cost_sheet.prepare",
        "reform.proposal.create",
        "reform.proposal.change",
        "catalog.write_draft",
    } <= actions


def test_recording_the_decision_approves_the_plans_proposals(proposal, plan, people):
    splan = services.create_simplification_plan(
        review_plan=plan, title="PA 2026", proposals=[proposal], actor=people["reform"]
    )
    with pytest.raises(ReformError) as caught:
        services.record_decision(
            simplification_plan=splan, decision_no="", decided_on=TODAY, actor=people["reform"]
        )
    assert caught.value.field == "decision_no"
    with pytest.raises(ReformError):
        services.record_decision(
            simplification_plan=splan, decision_no="x", decided_on=TODAY, actor=people["dept"]
        )
    services.record_decision(
        simplification_plan=splan, decision_no="123/QĐ-UBND", decided_on=TODAY, actor=people["reform"]
    )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.APPROVED and proposal.approved_on == TODAY
    assert proposal.events.last().reference == "123/QĐ-UBND"
    with pytest.raises(ReformError):
        services.record_decision(
            simplification_plan=splan, decision_no="124", decided_on=TODAY, actor=people["reform"]
        )
