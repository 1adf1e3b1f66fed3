"""Admin for units and agencies: folded search, filters, agency administrators' subtree."""

import pytest
from django.urls import reverse

from motcua.accounts.models import OfficerRole
from motcua.core.models import AuditRecord
from motcua.org.models import AdministrativeUnit, Agency
from tests.factories import AgencyFactory, OfficerRoleFactory, ProvinceFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

Role = OfficerRole.Role


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def tree(db):
    province = ProvinceFactory(name="Tỉnh Thử")
    root = AgencyFactory(name="UBND tỉnh", unit=province)
    pc_a = AgencyFactory(name="UBND xã Tân Đông", parent=root, unit=UnitFactory(parent=province))
    centre_a = AgencyFactory(name="Trung tâm xã Tân Đông", parent=pc_a, unit=pc_a.unit)
    pc_b = AgencyFactory(name="UBND xã Tân Châu", parent=root, unit=UnitFactory(parent=province))
    return {"root": root, "pc_a": pc_a, "centre_a": centre_a, "pc_b": pc_b}


def _changelist(client, model, **params):
    return client.get(reverse(f"admin:org_{model}_changelist"), params)


def test_unit_search_ignores_accents(client, superuser, units):
    client.force_login(superuser)
    response = _changelist(client, "administrativeunit", q="tan dong")
    assert response.status_code == 200
    names = [u.name for u in response.context["cl"].result_list]
    assert "Xã Tân Đông" in names
    response = _changelist(client, "administrativeunit", q="Tân Đông")
    assert "Xã Tân Đông" in [u.name for u in response.context["cl"].result_list]
    response = _changelist(client, "administrativeunit", q="25522")
    assert [u.code for u in response.context["cl"].result_list] == ["25522"]


def test_unit_filters_by_level_and_in_force(client, superuser, demo_tree):
    client.force_login(superuser)
    response = _changelist(client, "administrativeunit", level="province", current="no")
    assert sorted(u.code for u in response.context["cl"].result_list) == ["72", "80"]
    response = _changelist(client, "administrativeunit", level="province", current="yes")
    assert response.context["cl"].result_count == 34


def test_units_cannot_be_added_or_deleted_in_the_admin(client, superuser, units):
    client.force_login(superuser)
    assert client.get(reverse("admin:org_administrativeunit_add")).status_code == 403
    unit = AdministrativeUnit.objects.get(code="25522")
    response = client.get(reverse("admin:org_administrativeunit_change", args=[unit.pk]))
    assert response.status_code == 200
    assert client.get(reverse("admin:org_administrativeunit_delete", args=[unit.pk])).status_code == 403


def test_agency_list_is_in_tree_order_and_searchable(client, superuser, tree):
    client.force_login(superuser)
    response = _changelist(client, "agency")
    assert [a.name for a in response.context["cl"].result_list] == [
        "UBND tỉnh",
        "UBND xã Tân Đông",
        "Trung tâm xã Tân Đông",
        "UBND xã Tân Châu",
    ]
    assert "— — Trung tâm xã Tân Đông" in response.content.decode()
    response = _changelist(client, "agency", q="tan chau")
    assert [a.name for a in response.context["cl"].result_list] == ["UBND xã Tân Châu"]


def test_agency_admin_sees_and_edits_only_the_subtree(client, tree):
    officer = UserFactory(username="quantri", is_staff=True, is_officer=True)
    OfficerRoleFactory(user=officer, agency=tree["pc_a"], role=Role.AGENCY_ADMIN)
    client.force_login(officer)
    response = _changelist(client, "agency")
    assert response.status_code == 200
    assert {a.name for a in response.context["cl"].result_list} == {
        "UBND xã Tân Đông",
        "Trung tâm xã Tân Đông",
    }
    other = reverse("admin:org_agency_change", args=[tree["pc_b"].pk])
    assert client.get(other).status_code in (302, 403, 404)
    centre = tree["centre_a"]
    url = reverse("admin:org_agency_change", args=[centre.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "code": centre.code,
            "name": "Trung tâm PVHCC xã Tân Đông",
            "short_name": "",
            "kind": centre.kind,
            "parent": tree["pc_a"].pk,
            "unit": centre.unit_id,
            "address": "",
            "phone": "",
            "email": "",
            "opening_hours": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    centre.refresh_from_db()
    assert centre.name == "Trung tâm PVHCC xã Tân Đông"
    # core audits every admin change; Agency.save kept the path
    assert AuditRecord.objects.filter(action="admin.change", object_id=str(centre.pk)).exists()
    assert centre.path == f"{tree['pc_a'].path}{centre.pk}/"


def test_agency_admin_cannot_move_an_agency_out_of_the_subtree(client, tree):
    officer = UserFactory(username="quantri", is_staff=True, is_officer=True)
    OfficerRoleFactory(user=officer, agency=tree["pc_a"], role=Role.AGENCY_ADMIN)
    client.force_login(officer)
    centre = tree["centre_a"]
    response = client.post(
        reverse("admin:org_agency_change", args=[centre.pk]),
        {
            "code": centre.code,
            "name": centre.name,
            "kind": centre.kind,
            "parent": tree["pc_b"].pk,
            "unit": centre.unit_id,
            "is_active": "on",
        },
    )
    assert response.status_code == 200  # the form comes back with an error
    assert "parent" in response.context["adminform"].form.errors
    centre.refresh_from_db()
    assert centre.parent == tree["pc_a"]


def test_auditor_sees_the_tree_but_cannot_change_it(client, tree):
    auditor = UserFactory(username="kiemtra", is_staff=True, is_officer=True)
    OfficerRoleFactory(user=auditor, agency=tree["root"], role=Role.AUDITOR)
    client.force_login(auditor)
    response = _changelist(client, "agency")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 4
    url = reverse("admin:org_agency_change", args=[tree["pc_b"].pk])
    response = client.get(url)
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    response = client.post(
        url, {"code": tree["pc_b"].code, "name": "Đổi tên", "kind": "other", "unit": tree["pc_b"].unit_id}
    )
    assert response.status_code == 403
    assert Agency.objects.get(pk=tree["pc_b"].pk).name == "UBND xã Tân Châu"
    assert client.get(reverse("admin:org_agency_add")).status_code == 403


def test_officer_without_staff_status_cannot_open_the_admin(client, tree):
    officer = UserFactory(username="canbo", is_officer=True)
    OfficerRoleFactory(user=officer, agency=tree["pc_a"], role=Role.AGENCY_ADMIN)
    client.force_login(officer)
    assert _changelist(client, "agency").status_code == 302
