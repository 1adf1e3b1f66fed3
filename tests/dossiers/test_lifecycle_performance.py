"""The actions offered on a dossier are worked out with one role query (docs/performance.md).

Every API answer about a dossier and every dossier page lists them; asking once per transition
cost up to twelve queries per answer.
"""

import pytest

from motcua.dossiers import lifecycle
from motcua.dossiers.models import Dossier, Status
from tests.factories import OfficerRoleFactory

pytestmark = pytest.mark.django_db


def one_by_one(dossier, actor):
    """The rule as written, transition by transition (one role query each)."""
    return [
        t.action
        for t in lifecycle.TRANSITIONS
        if dossier.status in t.sources and lifecycle._may(dossier, actor, t)
    ]


@pytest.fixture
def dossier_in(tree, version, citizen):
    def make(status):
        return Dossier.objects.create(
            procedure_version=version, applicant=citizen, receiving_agency=tree["one_stop"],
            competent_agency=tree["commune_pc"], status=status,
        )  # fmt: skip

    return make


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.RECEIVED, Status.IN_PROGRESS, Status.RESOLVED])
@pytest.mark.parametrize("who", ["applicant", "desk", "leader_above", "other_commune", "no_role"])
def test_the_same_actions_as_the_rule_in_at_most_one_query(
    dossier_in, tree, citizen, status, who, django_assert_max_num_queries
):
    dossier = Dossier.objects.select_related("receiving_agency", "competent_agency").get(
        pk=dossier_in(status).pk
    )
    if who == "applicant":
        actor = citizen
    elif who == "desk":
        actor = OfficerRoleFactory(agency=tree["one_stop"], role="desk_officer").user
    elif who == "leader_above":
        actor = OfficerRoleFactory(agency=tree["root"], role="leader").user
    elif who == "other_commune":
        actor = OfficerRoleFactory(agency=tree["dept"], role="desk_officer").user
    else:
        actor = OfficerRoleFactory(agency=tree["one_stop"], role="auditor").user
    expected = one_by_one(dossier, actor)
    with django_assert_max_num_queries(1):
        actions = [t.action for t in lifecycle.allowed_actions(dossier, actor)]
    assert actions == expected


def test_the_system_needs_no_query(dossier_in, django_assert_num_queries):
    dossier = dossier_in(Status.SUPPLEMENT_REQUESTED)
    expected = one_by_one(dossier, lifecycle.SYSTEM)
    with django_assert_num_queries(0):
        assert [t.action for t in lifecycle.allowed_actions(dossier, lifecycle.SYSTEM)] == expected
