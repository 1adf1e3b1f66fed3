"""The declarative transition table and the one service that runs it."""

import threading

import pytest
from django.db import connection

from motcua.core.models import AppendOnlyError
from motcua.dossiers import lifecycle
from motcua.dossiers.models import Dossier, DossierEvent, Status
from tests.factories import OfficerRoleFactory

pytestmark = pytest.mark.django_db


def _set_status(dossier, status):
    Dossier.objects.filter(pk=dossier.pk).update(status=status)
    dossier.refresh_from_db()
    return dossier


def test_table_is_consistent():
    statuses = set(Status.values)
    for t in lifecycle.TRANSITIONS:
        assert t.sources <= statuses, t.action
        assert t.target in (None, lifecycle.RESUME, lifecycle.COMPUTED) or t.target in statuses, t.action
        assert t.roles, t.action
    assert {t.action: t.form for t in lifecycle.TRANSITIONS if t.form} == {
        "receive": "01",
        "request_supplement": "02",
        "refuse": "03",
        "apologise": "04",
        "stop": "05",
    }
    assert len(lifecycle.TABLE) == len(lifecycle.TRANSITIONS)


def test_no_action_leaves_a_final_state():
    finals = {Status.RETURNED, Status.REFUSED, Status.STOPPED, Status.WITHDRAWN}
    assert not any(t.sources & finals for t in lifecycle.TRANSITIONS)


def test_applicant_withdraws_a_submitted_dossier(draft, citizen):
    _set_status(draft, Status.SUBMITTED)
    result = lifecycle.transition(dossier=draft, action="withdraw", actor=citizen, comment="Nộp nhầm")
    assert result.status == Status.WITHDRAWN
    event = DossierEvent.objects.get(dossier=draft, action="withdraw")
    assert (event.from_status, event.to_status, event.comment, event.actor) == (
        "submitted",
        "withdrawn",
        "Nộp nhầm",
        citizen,
    )


def test_another_citizen_cannot_act(draft, other_citizen):
    _set_status(draft, Status.SUBMITTED)
    with pytest.raises(lifecycle.NotAllowed):
        lifecycle.transition(dossier=draft, action="withdraw", actor=other_citizen)
    assert Dossier.objects.get(pk=draft.pk).status == Status.SUBMITTED


def test_wrong_state_is_refused_with_the_state_named(draft, citizen):
    with pytest.raises(lifecycle.NotAllowed) as info:
        lifecycle.transition(dossier=draft, action="withdraw", actor=citizen)
    assert draft.get_status_display() in str(info.value.message)


def test_unknown_action_is_refused(draft, citizen):
    with pytest.raises(lifecycle.NotAllowed):
        lifecycle.transition(dossier=draft, action="teleport", actor=citizen)


def test_desk_officer_of_the_receiving_centre_may_receive(draft, tree):
    _set_status(draft, Status.SUBMITTED)
    officer = OfficerRoleFactory(agency=tree["one_stop"], role="desk_officer").user
    assert [t.action for t in lifecycle.allowed_actions(draft, officer)] == [
        "receive",
        "request_supplement",
        "refuse",
    ]
    assert lifecycle.transition(dossier=draft, action="receive", actor=officer).status == Status.RECEIVED


def test_officer_of_another_commune_may_not(draft, tree):
    from tests.factories import AgencyFactory

    _set_status(draft, Status.SUBMITTED)
    elsewhere = OfficerRoleFactory(agency=AgencyFactory(kind="commune_one_stop"), role="desk_officer").user
    assert lifecycle.allowed_actions(draft, elsewhere) == []
    with pytest.raises(lifecycle.NotAllowed):
        lifecycle.transition(dossier=draft, action="receive", actor=elsewhere)


def test_an_auditor_sees_but_cannot_act(draft, tree):
    _set_status(draft, Status.SUBMITTED)
    auditor = OfficerRoleFactory(agency=tree["root"], role="auditor").user
    assert lifecycle.allowed_actions(draft, auditor) == []


def test_a_stale_version_is_a_concurrent_change(draft, citizen):
    _set_status(draft, Status.SUBMITTED)
    with pytest.raises(lifecycle.ConcurrentChange):
        lifecycle.transition(
            dossier=draft, action="withdraw", actor=citizen, expected_version=draft.lock_version + 1
        )
    assert not DossierEvent.objects.filter(dossier=draft).exists()


def test_every_transition_bumps_the_version(draft, citizen):
    _set_status(draft, Status.SUBMITTED)
    before = draft.lock_version
    assert lifecycle.transition(dossier=draft, action="withdraw", actor=citizen).lock_version == before + 1


def test_events_are_append_only(draft, citizen):
    _set_status(draft, Status.SUBMITTED)
    lifecycle.transition(dossier=draft, action="withdraw", actor=citizen)
    event = DossierEvent.objects.get(dossier=draft)
    event.comment = "sửa"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        DossierEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.django_db(transaction=True)
def test_two_officers_at_once_one_wins_and_nothing_is_lost(draft, tree):
    _set_status(draft, Status.SUBMITTED)
    officers = [OfficerRoleFactory(agency=tree["one_stop"], role="desk_officer").user for _ in range(2)]
    actions = ["receive", "refuse"]
    seen = draft.lock_version
    barrier = threading.Barrier(2)
    outcomes = []

    def act(officer, action):
        try:
            barrier.wait(timeout=10)
            # each officer acts on the version they saw on screen
            lifecycle.transition(
                dossier=draft, action=action, actor=officer, comment=action, expected_version=seen
            )
            outcomes.append(("ok", action))
        except lifecycle.TransitionError as exc:
            outcomes.append(("refused", str(exc.message)))
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=pair) for pair in zip(officers, actions, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(o[0] for o in outcomes) == ["ok", "refused"]
    winner = next(a for kind, a in outcomes if kind == "ok")
    final = Dossier.objects.get(pk=draft.pk)
    assert final.status == {"receive": Status.RECEIVED, "refuse": Status.REFUSED}[winner]
    assert list(DossierEvent.objects.filter(dossier=draft).values_list("action", flat=True)) == [winner]


def test_an_anonymous_visitor_is_never_the_applicant(draft):
    from django.contrib.auth.models import AnonymousUser

    _set_status(draft, Status.SUBMITTED)
    assert draft.helper_id is None
    assert lifecycle.allowed_actions(draft, AnonymousUser()) == []
    with pytest.raises(lifecycle.NotAllowed):
        lifecycle.transition(dossier=draft, action="withdraw", actor=AnonymousUser())
