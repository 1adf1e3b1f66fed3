"""Two agencies issuing their results at the same moment: both stages finish, the application
ends up resolved, and neither officer gets an error (the application is locked first)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from motcua.dossiers import backoffice
from motcua.dossiers.models import Dossier, Status
from motcua.linked.models import StageState
from tests.linked.conftest import BIRTH_ANSWERS, file_application, process_to_result


@pytest.mark.django_db(transaction=True)
def test_two_stages_finishing_at_once(catalog, citizen, tree, officers):
    application = file_application(
        procedure_code="2.000986", answers=BIRTH_ANSWERS, citizen=citizen, tree=tree
    )
    process_to_result(application.linked_stages.get(procedure_code="1.001193").dossier, officers["1.001193"])
    ready = {}
    for code in ("1.004222", "1.001939"):
        team = officers[code]
        dossier = application.linked_stages.get(procedure_code=code).dossier
        dossier = backoffice.receive(dossier=dossier, actor=team["desk"])
        dossier = backoffice.forward(dossier=dossier, actor=team["desk"], to_user=team["specialist"])
        dossier = backoffice.forward(dossier=dossier, actor=team["specialist"], to_user=team["leader"])
        ready[code] = backoffice.approve(dossier=dossier, actor=team["leader"])
    barrier = threading.Barrier(2)
    outcomes = []

    def issue(code):
        try:
            barrier.wait(timeout=10)
            backoffice.issue_result(dossier=ready[code], actor=officers[code]["leader"])
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 — any failure is the finding
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(code,)) for code in ready]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert outcomes == ["ok", "ok"]
    assert set(application.linked_stages.values_list("state", flat=True)) == {StageState.DONE}
    assert Dossier.objects.get(pk=application.pk).status == Status.RESOLVED
