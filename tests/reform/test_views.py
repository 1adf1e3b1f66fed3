"""The workbench pages, the exports and the public suggestion form."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from motcua.reform import services
from motcua.reform.models import Assignment, Observation, Proposal, Suggestion

TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def _no_otp(settings):
    settings.MOTCUA_OFFICER_OTP_REQUIRED = False


@pytest.fixture
def as_(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def proposal(assessment, team_assignment, hourly, people):
    for hours in ("2", "3", "9"):
        services.record_observation(
            assignment=team_assignment,
            activity="travel",
            hours=hours,
            money_vnd=20000,
            observed_on=TODAY,
            actor=people["community"],
        )
    sheet = services.prepare_cost_sheet(assessment=assessment, actor=people["dept"])
    services.update_cost_sheet(
        sheet=sheet,
        lines={"travel": {"hours": "2.5", "out_of_pocket_vnd": "20000"}},
        fees_vnd=10000,
        frequency="1",
        subjects=800,
        subjects_source="Sở Tư pháp",
        actor=people["dept"],
    )
    p = services.create_proposal(
        assessment=assessment,
        action="simplify",
        authority="province",
        reasons="Dữ liệu dân cư",
        legal_instrument="Điều 22 NĐ 123/2015",
        actor=people["dept"],
    )
    services.add_change(
        proposal=p, kind="remove_document", target="cccd", reason="Đã có VNeID", actor=people["dept"]
    )
    return p


def test_a_citizen_cannot_see_the_workbench(client, db):
    from tests.factories import CitizenFactory

    client.force_login(CitizenFactory())
    assert client.get(reverse("reform:index")).status_code == 404


def test_the_reform_officer_creates_a_plan_and_assigns(as_, tree, people, procedure):
    c = as_(people["reform"])
    page = c.get(reverse("reform:index"))
    assert page.status_code == 200 and "new-plan" in page.content.decode()
    response = c.post(
        reverse("reform:plan_create"), {"title": "Rà soát 2026", "year": "2026", "owner": tree["root"].pk}
    )
    plan_url = response["Location"]
    response = c.post(
        plan_url + "phan-cong/",
        {
            "procedure": "1.004873",
            "agency": tree["justice"].pk,
            "team": "department",
            "due_date": "2026-06-30",
        },
    )
    assert response.status_code == 302
    assert Assignment.objects.get().agency == tree["justice"]
    response = c.post(
        plan_url + "phan-cong/",
        {
            "procedure": "9.999999",
            "agency": tree["justice"].pk,
            "team": "department",
            "due_date": "2026-06-30",
        },
    )
    assert response.status_code == 422
    assert "Không có thủ tục" in response.content.decode()


def test_a_department_officer_cannot_open_the_plan(as_, plan, people):
    assert as_(people["dept"]).get(reverse("reform:plan", args=[plan.pk])).status_code == 403


def test_the_community_team_records_an_observation_with_evidence(as_, team_assignment, people):
    c = as_(people["community"])
    from tests.dossiers.files import pdf_bytes

    evidence = io.BytesIO(pdf_bytes())
    evidence.name = "bien-lai.pdf"
    response = c.post(
        reverse("reform:observation_add", args=[team_assignment.pk]),
        {
            "activity": "prepare",
            "hours": "1.5",
            "money_vnd": "12000",
            "observed_on": TODAY.isoformat(),
            "note": "Chứng thực bản sao",
            "evidence": evidence,
        },
    )
    assert response.status_code == 302
    assert Observation.objects.get().evidence.name.endswith(".pdf")


def test_a_negative_observation_is_shown_next_to_the_field(as_, team_assignment, people):
    response = as_(people["community"]).post(
        reverse("reform:observation_add", args=[team_assignment.pk]),
        {"activity": "travel", "hours": "-2", "money_vnd": "0", "observed_on": TODAY.isoformat()},
    )
    assert response.status_code == 422
    assert 'id="error-hours"' in response.content.decode()
    assert not Observation.objects.exists()


def test_the_department_answers_the_assessment(as_, assessment, people):
    c = as_(people["dept"])
    page = c.get(reverse("reform:assessment", args=[assessment.pk]))
    body = page.content.decode()
    assert "R-DOC-DATA" in body and "Bản sao căn cước" in body
    response = c.post(
        reverse("reform:assessment_answer", args=[assessment.pk]),
        {
            "key": ["R-DOC-DATA|cccd", "R-TIME|"],
            "value:R-DOC-DATA|cccd": "yes",
            "reason:R-DOC-DATA|cccd": "CSDL dân cư",
            "value:R-TIME|": "no",
            "reason:R-TIME|": "Rút còn 1 ngày",
        },
    )
    assert response.status_code == 302
    assert assessment.answers.count() == 2
    response = c.post(
        reverse("reform:assessment_answer", args=[assessment.pk]), {"key": ["N1|"], "value:N1|": "no"}
    )
    assert response.status_code == 422


def test_the_assessment_shows_accepted_citizen_suggestions_only(as_, assessment, procedure, people):
    kept = services.submit_suggestion(procedure=procedure, text="Phải đi lại hai lần để nộp bản sao")
    services.submit_suggestion(procedure=procedure, text="Nội dung chưa kiểm duyệt xxxxxxxx")
    services.moderate_suggestion(suggestion=kept, accept=True, actor=people["reform"])
    body = as_(people["dept"]).get(reverse("reform:assessment", args=[assessment.pk])).content.decode()
    assert "Phải đi lại hai lần" in body and "chưa kiểm duyệt" not in body


def test_the_workbench_shows_the_saving(as_, proposal, people):
    c = as_(people["dept"])
    after = proposal.assessment.cost_sheets.get(kind="after")
    response = c.post(
        reverse("reform:cost", args=[proposal.assessment.pk, "after"]),
        {
            "hours_travel": "0.5",
            "money_travel": "0",
            "fees_vnd": "10000",
            "frequency": "1",
            "subjects": "800",
            "subjects_source": "Sở Tư pháp",
        },
    )
    assert response.status_code == 302
    after.refresh_from_db()
    body = c.get(reverse("reform:proposal", args=[proposal.pk])).content.decode()
    # before 2.5 h × 40,000 + 20,000 + 10,000 = 130,000; after 0.5 h × 40,000 + 10,000 = 30,000; × 800
    assert '<strong id="yearly-saving">80.000.000' in body
    assert '<strong id="saving-percent">76,92%' in body
    assert "Bản sao căn cước" in body


def test_a_negative_cost_line_is_refused_on_the_form(as_, proposal, people):
    response = as_(people["dept"]).post(
        reverse("reform:cost", args=[proposal.assessment.pk, "before"]),
        {"hours_travel": "-1", "fees_vnd": "0", "frequency": "1", "subjects": "800", "subjects_source": "x"},
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("url", "kind"),
    [("reform:plan_export", "pdf"), ("reform:plan_export", "xlsx"), ("reform:plan_export", "docx")],
)
def test_the_plan_annex_exports(as_, proposal, plan, people, url, kind):
    response = as_(people["reform"]).get(reverse(url, args=[plan.pk, "phu-luc", kind]))
    assert response.status_code == 200
    body = response.content
    assert body[:4] in (b"%PDF", b"PK\x03\x04")
    if kind == "docx":
        from docx import Document

        text = "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)
        assert "PHƯƠNG ÁN ĐƠN GIẢN HÓA" in text and "Kiến nghị thực thi" in text
    if kind == "xlsx":
        from openpyxl import load_workbook

        cells = [
            c.value for row in load_workbook(io.BytesIO(body)).active.iter_rows() for c in row if c.value
        ]
        assert any("Chi phí tiết kiệm" in str(v) for v in cells)


def test_every_other_report_renders(as_, proposal, plan, people):
    c = as_(people["reform"])
    for url in (
        reverse("reform:plan_export", args=[plan.pk, "kien-nghi", "pdf"]),
        reverse("reform:plan_export", args=[plan.pk, "tong-hop", "xlsx"]),
        reverse("reform:plan_export", args=[plan.pk, "tong-hop", "pdf"]),
        reverse("reform:plan_export", args=[plan.pk, "du-thao-quyet-dinh", "docx"]),
        reverse("reform:plan_export", args=[plan.pk, "thay-the-bang-du-lieu", "xlsx"]),
        reverse("reform:assessment_export", args=[proposal.assessment.pk, "pdf"]),
        reverse("reform:assessment_export", args=[proposal.assessment.pk, "docx"]),
        reverse("reform:proposal_export", args=[proposal.pk, "pdf"]),
        reverse("reform:proposal_export", args=[proposal.pk, "xlsx"]),
        reverse("reform:resolution66") + "?format=pdf",
        reverse("reform:resolution66") + "?format=xlsx",
        reverse("reform:resolution66"),
    ):
        assert c.get(url).status_code == 200, url
    assert c.get(reverse("reform:plan_export", args=[plan.pk, "phu-luc", "exe"])).status_code == 404


def test_follow_up_from_the_page(as_, proposal, people):
    c = as_(people["reform"])
    url = reverse("reform:proposal_advance", args=[proposal.pk])
    assert c.post(url, {"to": "approved", "on": TODAY.isoformat()}).status_code == 302
    response = c.post(url, {"to": "legal_issued", "on": TODAY.isoformat(), "reference": ""})
    assert response.status_code == 422
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.APPROVED
    assert (
        as_(people["dept"])
        .post(url, {"to": "legal_issued", "on": TODAY.isoformat(), "reference": "x"})
        .status_code
        == 403
    )


def test_the_hourly_value_page_refuses_a_value_without_source(as_, people):
    response = as_(people["reform"]).post(
        reverse("reform:hourly_value"),
        {"year": "2025", "value_vnd": "40000", "source": "", "source_date": "2025-12-31"},
    )
    assert response.status_code == 422
    assert 'id="error-source"' in response.content.decode()


def test_the_procedure_page_invites_suggestions_without_javascript(client, procedure, settings):
    from django.core.cache import cache

    cache.clear()
    page = client.get(reverse("catalog:detail", args=[procedure.code]))
    assert 'id="gop-y"' in page.content.decode()
    url = reverse("reform:suggest", args=[procedure.code])
    response = client.post(url, {"text": "Phải nộp bản sao căn cước dù đã có VNeID"})
    assert response.status_code == 302 and response["Location"].endswith("#gop-y")
    assert Suggestion.objects.get().status == Suggestion.Status.PENDING
    response = client.post(url, {"text": "ngắn"})
    assert response.status_code == 422 and "suggestion-error" in response.content.decode()


def test_suggestions_are_rate_limited(client, procedure):
    from django.core.cache import cache

    cache.clear()
    url = reverse("reform:suggest", args=[procedure.code])
    codes = [client.post(url, {"text": f"Góp ý thứ {i} về thủ tục này"}).status_code for i in range(7)]
    assert codes[:5] == [302] * 5 and codes[5:] == [429, 429]
    assert Suggestion.objects.count() == 5


def test_the_moderation_page(as_, procedure, people):
    s = services.submit_suggestion(procedure=procedure, text="Quá nhiều giấy tờ phải sao y")
    c = as_(people["reform"])
    assert "Quá nhiều giấy tờ" in c.get(reverse("reform:suggestions")).content.decode()
    c.post(reverse("reform:suggestions"), {"suggestion": s.pk, "decision": "accept"})
    s.refresh_from_db()
    assert s.status == Suggestion.Status.ACCEPTED
    assert as_(people["dept"]).get(reverse("reform:suggestions")).status_code == 403


def test_my_assignments_list_has_a_bounded_number_of_queries(
    as_, plan, procedure, tree, people, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.org.models import Agency

    def assign_under_justice(n):
        unit = Agency.objects.create(
            code=f"{n:03d}.00.04.H53",
            name=f"Phòng {n}",
            kind="other",
            unit=tree["justice"].unit,
            parent=tree["justice"],
        )
        services.assign(
            plan=plan,
            procedure_code=procedure.code,
            agency=unit,
            team="department",
            due_date=dt.date(2026, 6, 1),
            actor=people["reform"],
        )

    c = as_(people["dept"])
    assign_under_justice(1)
    with CaptureQueriesContext(connection) as one:
        assert c.get(reverse("reform:index")).status_code == 200
    for n in range(2, 8):
        assign_under_justice(n)
    with CaptureQueriesContext(connection) as seven:
        page = c.get(reverse("reform:index"))
    assert page.content.decode().count("1.004873") >= 7
    assert len(seven) == len(one)


def test_an_evidence_file_that_is_not_a_pdf_or_photo_is_refused(as_, team_assignment, people):
    evidence = io.BytesIO(b"MZ not a receipt")
    evidence.name = "bien-lai.pdf"
    response = as_(people["community"]).post(
        reverse("reform:observation_add", args=[team_assignment.pk]),
        {
            "activity": "travel",
            "hours": "1",
            "money_vnd": "0",
            "observed_on": TODAY.isoformat(),
            "evidence": evidence,
        },
    )
    assert response.status_code == 422
    assert not Observation.objects.exists()


def test_the_plan_page_has_a_bounded_number_of_queries(as_, plan, procedure, tree, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.org.models import Agency

    c = as_(people["reform"])
    url = reverse("reform:plan", args=[plan.pk])

    def assign(n):
        unit = Agency.objects.create(
            code=f"{n:03d}.00.07.H53",
            name=f"Phòng {n}",
            kind="department",
            unit=tree["land"].unit,
            parent=tree["land"],
        )
        services.assign(
            plan=plan,
            procedure_code=procedure.code,
            agency=unit,
            team="department",
            due_date=dt.date(2026, 6, 1),
            actor=people["reform"],
        )

    assign(1)
    with CaptureQueriesContext(connection) as one:
        assert c.get(url).status_code == 200
    for n in range(2, 9):
        assign(n)
    with CaptureQueriesContext(connection) as eight:
        assert c.get(url).status_code == 200
    assert len(eight) == len(one)


@pytest.mark.parametrize(
    ("data", "field"), [({"title": "", "year": "2026"}, "title"), ({"title": "x", "year": "abc"}, "year")]
)
def test_a_bad_plan_is_refused_next_to_the_field(as_, tree, people, data, field):
    response = as_(people["reform"]).post(reverse("reform:plan_create"), {**data, "owner": tree["root"].pk})
    assert response.status_code == 422
    assert f'id="error-{field}"' in response.content.decode()


def test_the_decision_is_recorded_from_the_plan_page(as_, proposal, plan, people):
    c = as_(people["reform"])
    c.post(
        reverse("reform:plan_simplification", args=[plan.pk]),
        {"title": "PA 2026", "proposals": [proposal.pk]},
    )
    splan = plan.simplification_plans.get()
    url = reverse("reform:simplification_decision", args=[plan.pk, splan.pk])
    response = c.post(url, {"decision_no": "", "decided_on": TODAY.isoformat()})
    assert response.status_code == 422 and 'id="error-decision_no"' in response.content.decode()
    assert c.post(url, {"decision_no": "99/QĐ-UBND", "decided_on": TODAY.isoformat()}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.APPROVED
    assert "99/QĐ-UBND" in c.get(reverse("reform:plan", args=[plan.pk])).content.decode()
