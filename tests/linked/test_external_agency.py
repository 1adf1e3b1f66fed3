"""An agency with its own system: the stage is sent as signed JSON and reported back by callback."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from motcua.dossiers.models import Dossier, Status
from motcua.linked import ports, services
from motcua.linked.models import StageState
from tests.linked.conftest import BIRTH_ANSWERS, file_application, process_to_result

pytestmark = pytest.mark.django_db
SECRET = "bhxh-shared-secret"


class AgencySystem:
    """A stand-in for the social-insurance system: records what it is sent, answers a reference."""

    def __init__(self, status: int = 202):
        self.received: list[tuple[dict, str]] = []
        system = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                system.received.append((json.loads(body), self.headers.get(ports.SIGNATURE_HEADER, ""), body))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"reference": f"BHXH-{len(system.received)}"}).encode())

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def agency_system(settings):
    system = AgencySystem()
    settings.MOTCUA_LINKED_CONNECTORS = {
        "000.00.21.H53": {"connector": "http", "url": system.url, "secret": SECRET, "timeout": 5}
    }
    yield system
    system.close()


@pytest.fixture
def card_stage(catalog, citizen, tree, officers, agency_system, django_capture_on_commit_callbacks):
    application = file_application(
        procedure_code="2.000986", answers=BIRTH_ANSWERS, citizen=citizen, tree=tree
    )
    birth = application.linked_stages.get(procedure_code="1.001193").dossier
    with django_capture_on_commit_callbacks() as callbacks:
        process_to_result(birth, officers["1.001193"])
    stage = application.linked_stages.get(procedure_code="1.001939")
    assert stage.connector == "http" and len(callbacks) == 1  # sending waits for the commit
    return stage


def _post(client, payload, *, secret=SECRET, agency="000.00.21.H53"):
    body = json.dumps(payload).encode()
    return client.post(
        "/api/v1/linked/callbacks",
        data=body,
        content_type="application/json",
        headers={ports.SIGNATURE_HEADER: ports.sign(body, secret), ports.AGENCY_HEADER: agency},
    )


def test_the_stage_goes_to_the_agency_system_signed_with_the_handed_on_data(card_stage, agency_system):
    assert services.dispatch(stage_id=card_stage.pk) == "sent: BHXH-1"
    payload, signature, body = agency_system.received[0]
    assert ports.signature_ok(body, SECRET, signature)
    assert payload["reference"] == card_stage.dossier.code and payload["procedure"] == "1.001939"
    assert (
        payload["data"]["tre_so_dinh_danh"]
        == card_stage.application.linked_stages.get(procedure_code="1.001193").outputs["so_dinh_danh_tre"]
    )
    assert payload["callback_url"].endswith("/api/v1/linked/callbacks")
    card_stage.refresh_from_db()
    assert card_stage.external_reference == "BHXH-1"
    assert services.dispatch(stage_id=card_stage.pk) == "nothing to send"  # sent once


def test_a_failed_dispatch_is_kept_and_retried(card_stage, agency_system, settings):
    settings.MOTCUA_LINKED_CONNECTORS = {
        "000.00.21.H53": {"connector": "http", "url": "http://127.0.0.1:9", "secret": SECRET, "timeout": 1}
    }
    assert services.dispatch(stage_id=card_stage.pk).startswith("failed")
    card_stage.refresh_from_db()
    assert card_stage.external_reference == "" and "dispatch failed" in card_stage.reason
    settings.MOTCUA_LINKED_CONNECTORS = {
        "000.00.21.H53": {"connector": "http", "url": agency_system.url, "secret": SECRET}
    }
    import datetime as dt

    assert services.retry_dispatches(older_than=dt.timedelta(0)) == 1
    card_stage.refresh_from_db()
    assert card_stage.external_reference == "BHXH-1"


def test_callbacks_drive_the_stage_to_its_result(card_stage, client):
    code = card_stage.dossier.code
    assert _post(client, {"reference": code, "event": "received", "event_id": "e1"}).status_code == 200
    assert Dossier.objects.get(pk=card_stage.dossier_id).status == Status.RECEIVED
    response = _post(
        client,
        {
            "reference": code,
            "event": "result_issued",
            "event_id": "e2",
            "result": {"number": "TE1807200012345", "signed_on": "2026-11-30"},
        },
    )
    assert response.status_code == 200 and response.json()["status"] == Status.RESOLVED
    card_stage.refresh_from_db()
    assert card_stage.state == StageState.DONE and card_stage.outputs == {"so_the_bhyt": "TE1807200012345"}


def test_a_repeated_callback_changes_nothing(card_stage, client):
    code = card_stage.dossier.code
    _post(client, {"reference": code, "event": "received", "event_id": "e1"})
    again = _post(client, {"reference": code, "event": "received", "event_id": "e1"})
    assert again.status_code == 200
    assert card_stage.dossier.events.filter(action="receive").count() == 1


def test_a_callback_with_a_wrong_signature_is_refused(card_stage, client):
    response = _post(
        client, {"reference": card_stage.dossier.code, "event": "received", "event_id": "x"}, secret="no"
    )
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    assert Dossier.objects.get(pk=card_stage.dossier_id).status == Status.SUBMITTED


def test_a_callback_from_another_agency_cannot_touch_the_stage(card_stage, client, settings):
    settings.MOTCUA_LINKED_CONNECTORS = {
        **settings.MOTCUA_LINKED_CONNECTORS,
        "002.08.40.H53": {"connector": "http", "url": "http://x", "secret": "police"},
    }
    response = _post(
        client,
        {"reference": card_stage.dossier.code, "event": "refused", "event_id": "x", "reason": "?"},
        secret="police",
        agency="002.08.40.H53",
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"event": "exploded", "event_id": "1"}, 422),
        ({"event": "received"}, 422),
        ({"event": "refused", "event_id": "2"}, 409),  # a refusal needs its reason
        ({"event": "result_issued", "event_id": "3", "result": {}}, 409),  # received first, with a number
    ],
)
def test_bad_callbacks_get_a_problem_and_change_nothing(card_stage, client, payload, status):
    response = _post(client, {"reference": card_stage.dossier.code, **payload})
    assert response.status_code == status, response.content
    assert response.json()["title"]
    assert Dossier.objects.get(pk=card_stage.dossier_id).status == Status.SUBMITTED


def test_an_agency_without_its_own_system_cannot_call_back(card_stage, client):
    body = b"{}"
    response = client.post(
        "/api/v1/linked/callbacks",
        data=body,
        content_type="application/json",
        headers={ports.SIGNATURE_HEADER: ports.sign(body, ""), ports.AGENCY_HEADER: "002.08.40.H53"},
    )
    assert response.status_code == 401


def test_a_stage_at_an_agency_working_in_motcua_is_not_sent_anywhere(catalog, citizen, tree, officers):
    application = file_application(
        procedure_code="2.000986", answers=BIRTH_ANSWERS, citizen=citizen, tree=tree
    )
    process_to_result(application.linked_stages.get(procedure_code="1.001193").dossier, officers["1.001193"])
    stage = application.linked_stages.get(procedure_code="1.001939")
    assert stage.connector == "local" and services.dispatch(stage_id=stage.pk) == "local"
