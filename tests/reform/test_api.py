"""The workbench API: plans, assignments, observations, a proposal's saving, public suggestions."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from motcua.accounts.api_auth import issue_token
from motcua.reform import services
from motcua.reform.models import Observation, Suggestion

TODAY = dt.date.today()


def bearer(user):
    raw, _ = issue_token(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_plans_with_progress(client, dept_assignment, people):
    response = client.get("/api/v1/reform/plans", **bearer(people["reform"]))
    assert response.status_code == 200
    (plan,) = response.json()
    assert plan["assignments"] == 1 and plan["done"] == 0


def test_the_community_team_posts_an_observation(client, team_assignment, people):
    url = f"/api/v1/reform/assignments/{team_assignment.pk}/observations"
    body = {"activity": "travel", "hours": "1.5", "money_vnd": 30000, "observed_on": TODAY.isoformat()}
    response = client.post(
        url, json.dumps(body), content_type="application/json", **bearer(people["community"])
    )
    assert response.status_code == 201
    assert Observation.objects.get().money_vnd == 30000


def test_negative_money_is_a_problem(client, team_assignment, people):
    url = f"/api/v1/reform/assignments/{team_assignment.pk}/observations"
    body = {"activity": "travel", "hours": "1", "money_vnd": -5, "observed_on": TODAY.isoformat()}
    response = client.post(
        url, json.dumps(body), content_type="application/json", **bearer(people["community"])
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["path"] == "money_vnd"


def test_another_agency_cannot_post_observations(client, team_assignment, people):
    url = f"/api/v1/reform/assignments/{team_assignment.pk}/observations"
    body = {"activity": "travel", "hours": "1", "observed_on": TODAY.isoformat()}
    response = client.post(
        url, json.dumps(body), content_type="application/json", **bearer(people["other_dept"])
    )
    assert response.status_code == 403


def test_the_proposal_comparison(client, assessment, hourly, people):
    sheet = services.prepare_cost_sheet(assessment=assessment, actor=people["dept"])
    services.update_cost_sheet(
        sheet=sheet,
        lines={"travel": {"hours": "2", "out_of_pocket_vnd": "0"}},
        fees_vnd=10000,
        frequency="1",
        subjects=100,
        subjects_source="x",
        actor=people["dept"],
    )
    proposal = services.create_proposal(
        assessment=assessment,
        action="simplify",
        authority="province",
        reasons="r",
        legal_instrument="l",
        actor=people["dept"],
    )
    services.add_change(
        proposal=proposal, kind="cut_fee", target="0", value="0", reason="Miễn lệ phí", actor=people["dept"]
    )
    response = client.get(f"/api/v1/reform/proposals/{proposal.pk}", **bearer(people["dept"]))
    data = response.json()
    assert data["yearly_saving_vnd"] == 1_000_000
    assert data["before"]["unit_cost_vnd"] == 90_000 and data["after"]["unit_cost_vnd"] == 80_000
    assert (
        client.get(f"/api/v1/reform/proposals/{proposal.pk}", **bearer(people["other_dept"])).status_code
        == 404
    )


def test_public_suggestions_are_rate_limited(client, procedure):
    from django.core.cache import cache

    cache.clear()
    url = f"/api/v1/procedures/{procedure.code}/suggestions"
    codes = [
        client.post(
            url, json.dumps({"text": f"Quá nhiều bản sao phải nộp {i}"}), content_type="application/json"
        ).status_code
        for i in range(6)
    ]
    assert codes == [202] * 5 + [429]
    assert Suggestion.objects.count() == 5


@pytest.mark.parametrize("text", ["", "ngắn"])
def test_a_too_short_suggestion_is_a_problem(client, procedure, text):
    from django.core.cache import cache

    cache.clear()
    response = client.post(
        f"/api/v1/procedures/{procedure.code}/suggestions",
        json.dumps({"text": text}),
        content_type="application/json",
    )
    assert response.status_code == 422


def test_the_openapi_document_lists_the_workbench(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/reform/plans" in paths and "/api/v1/procedures/{code}/suggestions" in paths
