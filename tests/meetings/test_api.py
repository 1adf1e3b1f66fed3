"""The API for the provincial app: exchange a slip, read watermarked documents, check in, vote."""

from __future__ import annotations

import pytest

from motcua.accounts.api_auth import issue_token
from motcua.meetings import services
from motcua.meetings.models import Ballot, Poll

pytestmark = pytest.mark.django_db


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_the_app_exchanges_a_slip_and_reads_votes(client, document, members, organiser, item):
    token, _code = services.issue_slip(delegate=members[0], actor=organiser)
    response = client.post("/api/v1/meetings/access", {"token": token}, content_type="application/json")
    assert response.status_code == 200, response.content
    key = response.json()["key"]
    me = client.get("/api/v1/meetings/me", **bearer(key)).json()
    assert me["delegate_name"] == "Nguyễn Văn An"
    assert me["checked_in_at"] is not None
    version_id = me["documents"][0]["version_id"]
    pdf = client.get(f"/api/v1/meetings/me/documents/{version_id}", **bearer(key))
    assert pdf["Content-Type"] == "application/pdf"
    poll = services.create_poll(agenda_item=item, question="Thông qua?", secret=False, actor=organiser)
    services.set_poll_status(poll=poll, status=Poll.Status.OPEN, actor=organiser)
    assert (
        client.post(
            f"/api/v1/meetings/me/polls/{poll.pk}/vote",
            {"choice": "yes"},
            content_type="application/json",
            **bearer(key),
        ).status_code
        == 204
    )
    twice = client.post(
        f"/api/v1/meetings/me/polls/{poll.pk}/vote",
        {"choice": "no"},
        content_type="application/json",
        **bearer(key),
    )
    assert twice.status_code == 409
    assert twice["Content-Type"] == "application/problem+json"
    assert Ballot.objects.count() == 1


def test_a_reused_token_is_a_problem(client, members, organiser):
    token, _code = services.issue_slip(delegate=members[0], actor=organiser)
    client.post("/api/v1/meetings/access", {"token": token}, content_type="application/json")
    again = client.post("/api/v1/meetings/access", {"token": token}, content_type="application/json")
    assert again.status_code == 403
    assert again.json()["reason"] == "used"


def test_a_revoked_delegate_key_stops_working(client, members, organiser):
    _token, code = services.issue_slip(delegate=members[0], actor=organiser)
    key = client.post("/api/v1/meetings/access", {"code": code}, content_type="application/json").json()[
        "key"
    ]
    services.revoke_delegate(delegate=members[0], actor=organiser)
    assert client.get("/api/v1/meetings/me", **bearer(key)).status_code == 401


def test_organisers_read_attendance_with_their_api_token(client, organiser, meeting, members):
    key, _row = issue_token(user=organiser, name="test")
    response = client.get(f"/api/v1/meetings/{meeting.code}/attendance", **bearer(key))
    assert response.status_code == 200
    assert response.json()["members"] == 3
