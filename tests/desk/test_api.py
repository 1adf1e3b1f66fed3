"""Officer API: queues and actions with the same rules as the screens."""

import pytest

from motcua.accounts.api_auth import issue_token
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, Status
from tests.dossiers.files import pdf_bytes, upload
from tests.factories import AgencyFactory, OfficerRoleFactory

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


def bearer(user):
    raw, _ = issue_token(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_queue_and_receive(client, tree, submitted):
    officer = OfficerRoleFactory(agency=tree["one_stop"], role="desk_officer").user
    rows = client.get("/api/v1/desk/queues/reception", **bearer(officer)).json()["results"]
    assert [r["code"] for r in rows] == [submitted.code]
    response = client.post(
        f"/api/v1/desk/dossiers/{submitted.pk}/actions",
        {"action": "receive", "expected_version": submitted.lock_version},
        content_type="application/json",
        **bearer(officer),
    )
    assert response.status_code == 200 and response.json()["status"] == Status.RECEIVED


def test_stale_version_is_409_and_forbidden_action_422(client, tree, submitted):
    officer = OfficerRoleFactory(agency=tree["one_stop"], role="desk_officer").user
    stale = client.post(
        f"/api/v1/desk/dossiers/{submitted.pk}/actions",
        {"action": "receive", "expected_version": submitted.lock_version + 3},
        content_type="application/json",
        **bearer(officer),
    )
    assert stale.status_code == 409 and stale["Content-Type"] == "application/problem+json"
    wrong = client.post(
        f"/api/v1/desk/dossiers/{submitted.pk}/actions",
        {"action": "approve", "expected_version": submitted.lock_version},
        content_type="application/json",
        **bearer(officer),
    )
    assert wrong.status_code == 422
    assert Dossier.objects.get(pk=submitted.pk).status == Status.SUBMITTED


@pytest.mark.parametrize("role", ["desk_officer", "leader", "auditor"])
def test_other_agencies_dossiers_are_404(client, submitted, role):
    outsider = OfficerRoleFactory(agency=AgencyFactory(kind="commune_one_stop"), role=role).user
    assert client.get(f"/api/v1/desk/dossiers/{submitted.pk}", **bearer(outsider)).status_code == 404
    response = client.post(
        f"/api/v1/desk/dossiers/{submitted.pk}/actions",
        {"action": "receive", "expected_version": 0},
        content_type="application/json",
        **bearer(outsider),
    )
    assert response.status_code == 404


def test_citizens_get_404_from_the_officer_api(client, citizen, submitted):
    assert client.get("/api/v1/desk/queues/reception", **bearer(citizen)).status_code == 404
    assert client.get(f"/api/v1/desk/dossiers/{submitted.pk}", **bearer(citizen)).status_code == 404
