"""Admin for users and officer roles: extra fields, roles inline, audit, scope."""

import pytest
from django.urls import reverse

from motcua.accounts.models import OfficerRole, User
from motcua.core.models import AuditRecord
from tests.factories import AgencyFactory, CitizenFactory, OfficerRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

Role = OfficerRole.Role


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def _user_form(user, **overrides):
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "personal_id": user.personal_id or "",
        "email": user.email,
        "phone": user.phone,
        "assurance_level": user.assurance_level,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2025-07-01",
        "date_joined_1": "08:00:00",
        "roles-TOTAL_FORMS": "0",
        "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_user_list_and_search(client, superuser):
    CitizenFactory(personal_id="072090000001", full_name="Nguyễn Văn An")
    client.force_login(superuser)
    response = client.get(reverse("admin:accounts_user_changelist"), {"q": "072090000001"})
    assert response.status_code == 200
    assert [u.full_name for u in response.context["cl"].result_list] == ["Nguyễn Văn An"]


def test_user_change_page_shows_the_extra_fields_and_roles(client, superuser):
    role = OfficerRoleFactory()
    client.force_login(superuser)
    response = client.get(reverse("admin:accounts_user_change", args=[role.user.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    for field in ("personal_id", "full_name", "assurance_level", "is_officer", "roles-0-agency"):
        assert f'name="{field}"' in content


def test_granting_a_role_inline_is_audited(client, superuser):
    user = UserFactory(username="canbo")
    agency = AgencyFactory()
    client.force_login(superuser)
    data = _user_form(
        user,
        **{
            "roles-TOTAL_FORMS": "1",
            "roles-0-agency": agency.pk,
            "roles-0-role": Role.DESK_OFFICER,
            "roles-0-user": user.pk,
        },
    )
    response = client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    assert OfficerRole.objects.filter(user=user, agency=agency, role=Role.DESK_OFFICER).exists()
    assert AuditRecord.objects.filter(action="accounts.role_granted", actor=superuser).count() == 1
    user.refresh_from_db()
    assert user.is_officer


def test_an_invalid_personal_id_is_explained_in_the_admin_form(client, superuser):
    user = UserFactory(username="someone")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:accounts_user_change", args=[user.pk]), _user_form(user, personal_id="003090000001")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "personal_id" in errors
    assert "003" in errors["personal_id"][0]


def test_officer_role_admin_audits_add_and_delete(client, superuser):
    user, agency = UserFactory(username="canbo"), AgencyFactory()
    client.force_login(superuser)
    response = client.post(
        reverse("admin:accounts_officerrole_add"), {"user": user.pk, "agency": agency.pk, "role": Role.LEADER}
    )
    assert response.status_code == 302
    role = OfficerRole.objects.get(user=user)
    response = client.post(reverse("admin:accounts_officerrole_delete", args=[role.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not OfficerRole.objects.exists()
    assert list(
        AuditRecord.objects.filter(action__startswith="accounts.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "accounts.role_granted",
        "accounts.role_revoked",
    ]


def test_officer_role_list_is_scoped_for_non_superusers(client):
    pc = AgencyFactory()
    child = AgencyFactory(parent=pc, unit=pc.unit)
    other = AgencyFactory()
    admin_user = UserFactory(username="quantri", is_staff=True, is_officer=True)
    OfficerRoleFactory(user=admin_user, agency=pc, role=Role.AGENCY_ADMIN)
    OfficerRoleFactory(agency=child)
    OfficerRoleFactory(agency=other)
    # Django model permissions open the page; the scope narrows what it shows.
    from django.contrib.auth.models import Permission

    admin_user.user_permissions.add(*Permission.objects.filter(codename__endswith="officerrole"))
    client.force_login(User.objects.get(pk=admin_user.pk))
    response = client.get(reverse("admin:accounts_officerrole_changelist"))
    assert response.status_code == 200
    assert {r.agency for r in response.context["cl"].result_list} == {pc, child}


def test_adding_a_user_in_the_admin(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "canbo.moi",
            "full_name": "Cán bộ Mới",
            "usable_password": "true",
            "password1": "Vang-Trang-Tron-2025",
            "password2": "Vang-Trang-Tron-2025",
            "is_officer": "on",
            "roles-TOTAL_FORMS": "0",
            "roles-INITIAL_FORMS": "0",
            "roles-MIN_NUM_FORMS": "0",
            "roles-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="canbo.moi")
    assert user.full_name == "Cán bộ Mới"
    assert user.is_officer
