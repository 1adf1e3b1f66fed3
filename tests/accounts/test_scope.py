"""Roles and scope: who sees which agencies, who holds a role where, who may act."""

import pytest
from django.contrib.auth.models import AnonymousUser

from motcua.accounts import selectors
from motcua.accounts.models import OfficerRole
from motcua.org.models import Agency
from tests.factories import (
    AgencyFactory,
    CitizenFactory,
    OfficerRoleFactory,
    ProvinceFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Role = OfficerRole.Role


@pytest.fixture
def tree(db):
    """Province PC → (commune A PC → A centre, A police), (commune B PC → B centre), department."""
    province = ProvinceFactory()
    unit_a, unit_b = UnitFactory(parent=province), UnitFactory(parent=province)
    root = AgencyFactory(name="UBND tỉnh", kind="province_pc", unit=province)
    dept = AgencyFactory(name="Sở Tư pháp", kind="department", unit=province, parent=root)
    pc_a = AgencyFactory(name="UBND xã A", kind="commune_pc", unit=unit_a, parent=root)
    centre_a = AgencyFactory(name="TT xã A", kind="commune_one_stop", unit=unit_a, parent=pc_a)
    police_a = AgencyFactory(name="CA xã A", kind="commune_police", unit=unit_a, parent=pc_a)
    pc_b = AgencyFactory(name="UBND xã B", kind="commune_pc", unit=unit_b, parent=root)
    centre_b = AgencyFactory(name="TT xã B", kind="commune_one_stop", unit=unit_b, parent=pc_b)
    return {
        "root": root,
        "dept": dept,
        "pc_a": pc_a,
        "centre_a": centre_a,
        "police_a": police_a,
        "pc_b": pc_b,
        "centre_b": centre_b,
    }


def officer(agency, role, **kwargs):
    return OfficerRoleFactory(agency=agency, role=role, **kwargs).user


def test_a_commune_desk_officer_sees_only_the_own_centre(tree):
    user = officer(tree["centre_a"], Role.DESK_OFFICER)
    assert set(selectors.visible_agencies(user)) == {tree["centre_a"]}
    assert not selectors.can_see(user, tree["centre_b"])
    assert not selectors.can_see(user, tree["pc_a"])  # not upwards either
    assert selectors.can_see(user, tree["centre_a"])


def test_a_commune_leader_sees_the_commune_subtree_but_not_another_commune(tree):
    user = officer(tree["pc_a"], Role.LEADER)
    assert set(selectors.visible_agencies(user)) == {tree["pc_a"], tree["centre_a"], tree["police_a"]}
    assert tree["pc_b"] not in selectors.visible_agencies(user)
    assert tree["centre_b"] not in selectors.visible_agencies(user)


def test_roles_in_two_places_add_up(tree):
    user = officer(tree["centre_a"], Role.DESK_OFFICER)
    OfficerRoleFactory(user=user, agency=tree["dept"], role=Role.DESK_OFFICER)
    OfficerRoleFactory(user=user, agency=tree["pc_a"], role=Role.SPECIALIST)  # covers centre_a
    assert set(selectors.visible_agencies(user)) == {
        tree["pc_a"],
        tree["centre_a"],
        tree["police_a"],
        tree["dept"],
    }


def test_a_province_admin_sees_everything(tree):
    at_root = officer(tree["root"], Role.PROVINCE_ADMIN)
    assert selectors.visible_agencies(at_root).count() == Agency.objects.count() == 7
    elsewhere = officer(tree["dept"], Role.PROVINCE_ADMIN)  # a province-wide role wherever held
    assert selectors.visible_agencies(elsewhere).count() == 7
    assert selectors.can_administer(elsewhere, tree["centre_b"])


def test_an_auditor_sees_everything_but_cannot_act(tree):
    auditor = officer(tree["root"], Role.AUDITOR)
    assert selectors.visible_agencies(auditor).count() == 7
    assert selectors.can_see(auditor, tree["centre_b"])
    assert selectors.has_role(auditor, Role.AUDITOR, tree["centre_b"])
    for role in (Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER, Role.AGENCY_ADMIN):
        assert not selectors.has_role(auditor, role, tree["centre_b"])
    assert not selectors.can_act(auditor, tree["centre_b"])
    assert not selectors.can_administer(auditor, tree["centre_b"])


def test_a_superuser_sees_everything_but_holds_no_role(tree):
    root_user = UserFactory(is_superuser=True, is_staff=True)
    assert selectors.visible_agencies(root_user).count() == 7
    assert not selectors.has_role(root_user, Role.DESK_OFFICER, tree["centre_a"])
    assert selectors.can_administer(root_user, tree["centre_a"])


def test_citizens_anonymous_and_inactive_users_see_nothing(tree):
    assert not selectors.visible_agencies(CitizenFactory()).exists()
    assert not selectors.visible_agencies(AnonymousUser()).exists()
    assert not selectors.visible_agencies(None).exists()
    gone = officer(tree["root"], Role.PROVINCE_ADMIN, user__is_active=False)
    assert not selectors.visible_agencies(gone).exists()
    assert not selectors.has_role(gone, Role.PROVINCE_ADMIN, tree["root"])


def test_has_role_holds_at_the_agency_and_below(tree):
    leader = officer(tree["pc_a"], Role.LEADER)
    assert selectors.has_role(leader, Role.LEADER, tree["pc_a"])
    assert selectors.has_role(leader, Role.LEADER, tree["centre_a"])  # a descendant
    assert not selectors.has_role(leader, Role.LEADER, tree["root"])  # not above
    assert not selectors.has_role(leader, Role.LEADER, tree["centre_b"])  # not a sibling's
    assert not selectors.has_role(leader, Role.DESK_OFFICER, tree["centre_a"])  # another role
    assert selectors.has_role(leader, [Role.DESK_OFFICER, Role.LEADER], tree["centre_a"])
    assert selectors.can_act(leader, tree["police_a"])


def test_agency_admin_administers_the_subtree_only(tree):
    admin = officer(tree["pc_a"], Role.AGENCY_ADMIN)
    assert selectors.can_administer(admin, tree["centre_a"])
    assert not selectors.can_administer(admin, tree["pc_b"])
    assert set(selectors.administered_agencies(admin)) == {tree["pc_a"], tree["centre_a"], tree["police_a"]}
    assert selectors.administers_any(admin)
    assert not selectors.administers_any(officer(tree["pc_a"], Role.LEADER))


def test_scope_checks_take_a_bounded_number_of_queries(tree, django_assert_max_num_queries):
    user = officer(tree["pc_a"], Role.DESK_OFFICER)
    OfficerRoleFactory(user=user, agency=tree["dept"], role=Role.DESK_OFFICER)
    with django_assert_max_num_queries(2):
        list(selectors.visible_agencies(user))
    with django_assert_max_num_queries(1):
        selectors.has_role(user, Role.DESK_OFFICER, tree["centre_a"])


def test_officers_at_and_roles_of(tree):
    user = officer(tree["pc_a"], Role.LEADER)
    OfficerRoleFactory(user=user, agency=tree["pc_a"], role=Role.SPECIALIST)
    assert list(selectors.officers_at(tree["pc_a"])) == [user]
    assert list(selectors.officers_at(tree["pc_a"], role=Role.DESK_OFFICER)) == []
    assert [r.role for r in selectors.roles_of(user)] == [Role.LEADER, Role.SPECIALIST]
