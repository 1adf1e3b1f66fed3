"""Creating citizens and officers; granting and revoking roles (audited)."""

import json

import pytest
from django.core.exceptions import ValidationError

from motcua.accounts.models import OfficerRole, User
from motcua.accounts.services import (
    create_citizen,
    create_officer,
    grant_role,
    revoke_role,
    set_assurance_level,
)
from motcua.core.models import AuditRecord
from tests.factories import AgencyFactory, CitizenFactory, OfficerFactory

pytestmark = pytest.mark.django_db

Role = OfficerRole.Role
GOOD_PASSWORD = "Vang-Trang-Tron-2025"


def test_create_citizen_uses_the_personal_id_as_username():
    user = create_citizen(personal_id="072 090 000 001", password=GOOD_PASSWORD, full_name=" Nguyễn Văn An ")
    assert user.username == user.personal_id == "072090000001"
    assert user.full_name == "Nguyễn Văn An"
    assert user.assurance_level == User.AssuranceLevel.SELF_REGISTERED
    assert not user.is_officer
    assert user.check_password(GOOD_PASSWORD)


def test_create_citizen_at_level_2():
    user = create_citizen(
        personal_id="080195000002", password=GOOD_PASSWORD, full_name="Trần Thị Bình", assurance_level=2
    )
    assert user.assurance_level == User.AssuranceLevel.EID_VERIFIED


def test_the_audit_log_never_holds_the_personal_id():
    create_citizen(personal_id="072090000001", password=GOOD_PASSWORD, full_name="Nguyễn Văn An")
    record = AuditRecord.objects.get(action="accounts.citizen_created")
    dumped = json.dumps(record.changes) + record.object_repr + record.actor_label
    assert "072090000001" not in dumped
    assert "Nguyễn" not in dumped


@pytest.mark.parametrize(
    ("personal_id", "codes"),
    [
        ("", ["empty"]),
        ("07209000000", ["length"]),
        ("07209000000A", ["non_digit"]),
        ("003090000001", ["province"]),
        ("072299000001", ["future_birth_year"]),
    ],
)
def test_create_citizen_rejects_an_invalid_personal_id(personal_id, codes):
    with pytest.raises(ValidationError) as info:
        create_citizen(personal_id=personal_id, password=GOOD_PASSWORD, full_name="A")
    assert [e.code for e in info.value.error_dict["personal_id"]] == codes
    assert not User.objects.exists()


def test_create_citizen_rejects_a_registered_personal_id():
    CitizenFactory(personal_id="072090000001")
    with pytest.raises(ValidationError) as info:
        create_citizen(personal_id="072090000001", password=GOOD_PASSWORD, full_name="A")
    assert info.value.error_dict["personal_id"][0].code == "duplicate"
    # The message tells the person what to do: log in instead (Vietnamese by default).
    assert "đăng nhập" in info.value.message_dict["personal_id"][0].lower()


def test_create_citizen_requires_a_name():
    with pytest.raises(ValidationError) as info:
        create_citizen(personal_id="072090000001", password=GOOD_PASSWORD, full_name="  ")
    assert "full_name" in info.value.error_dict


@pytest.mark.parametrize("password", ["", "123", "12345678901", "password"])
def test_create_citizen_rejects_a_weak_password(password):
    with pytest.raises(ValidationError) as info:
        create_citizen(personal_id="072090000001", password=password, full_name="Nguyễn Văn An")
    assert "password" in info.value.error_dict
    assert not User.objects.exists()


def test_create_citizen_rejects_a_bad_email():
    with pytest.raises(ValidationError) as info:
        create_citizen(
            personal_id="072090000001", password=GOOD_PASSWORD, full_name="A", email="khong-phai-email"
        )
    assert info.value.error_dict["email"][0].code == "email"


def test_create_officer_with_roles():
    agency = AgencyFactory()
    officer = create_officer(
        username="canbo.a",
        password=GOOD_PASSWORD,
        full_name="Lê Thị Cúc",
        agency=agency,
        roles=[Role.DESK_OFFICER, Role.SPECIALIST],
    )
    assert officer.is_officer
    assert officer.personal_id is None
    assert set(officer.roles.values_list("role", flat=True)) == {Role.DESK_OFFICER, Role.SPECIALIST}
    assert AuditRecord.objects.filter(action="accounts.role_granted").count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"username": ""}, "username"),
        ({"full_name": ""}, "full_name"),
        ({"roles": []}, "roles"),
        ({"roles": ["king"]}, "role"),
        ({"password": "123"}, "password"),
        ({"email": "x@"}, "email"),
    ],
)
def test_create_officer_rejects_bad_input(kwargs, field):
    agency = AgencyFactory()
    arguments = {
        "username": "canbo.a",
        "password": GOOD_PASSWORD,
        "full_name": "Lê Thị Cúc",
        "agency": agency,
        "roles": [Role.DESK_OFFICER],
    } | kwargs
    with pytest.raises(ValidationError) as info:
        create_officer(**arguments)
    assert field in info.value.error_dict
    assert not User.objects.exists()


def test_create_officer_rejects_a_taken_username():
    OfficerFactory(username="canbo.a")
    with pytest.raises(ValidationError) as info:
        create_officer(
            username="canbo.a",
            password=GOOD_PASSWORD,
            full_name="B",
            agency=AgencyFactory(),
            roles=["leader"],
        )
    assert info.value.error_dict["username"][0].code == "duplicate"


def test_grant_role_is_audited_once_and_idempotent():
    user, agency = OfficerFactory(), AgencyFactory()
    admin = OfficerFactory(username="boss")
    first = grant_role(user=user, agency=agency, role=Role.LEADER, actor=admin)
    again = grant_role(user=user, agency=agency, role=Role.LEADER, actor=admin)
    assert first == again
    records = AuditRecord.objects.filter(action="accounts.role_granted")
    assert records.count() == 1
    record = records.get()
    assert record.actor == admin
    assert record.changes == {"user": user.pk, "agency": agency.code, "role": "leader"}


def test_grant_role_makes_a_citizen_an_officer():
    citizen = CitizenFactory()
    grant_role(user=citizen, agency=AgencyFactory(), role=Role.DESK_OFFICER)
    citizen.refresh_from_db()
    assert citizen.is_officer


def test_grant_role_rejects_an_unknown_role():
    with pytest.raises(ValidationError) as info:
        grant_role(user=OfficerFactory(), agency=AgencyFactory(), role="king")
    assert "desk_officer" in info.value.message_dict["role"][0]


def test_revoke_role_is_audited_and_reports_whether_it_was_held():
    user, agency = OfficerFactory(), AgencyFactory()
    grant_role(user=user, agency=agency, role=Role.SPECIALIST)
    assert revoke_role(user=user, agency=agency, role=Role.SPECIALIST) is True
    assert not OfficerRole.objects.exists()
    assert revoke_role(user=user, agency=agency, role=Role.SPECIALIST) is False
    assert AuditRecord.objects.filter(action="accounts.role_revoked").count() == 1


def test_set_assurance_level_is_audited_without_personal_data():
    citizen = CitizenFactory()
    set_assurance_level(user=citizen, level=2)
    citizen.refresh_from_db()
    assert citizen.assurance_level == 2
    record = AuditRecord.objects.get(action="accounts.assurance_level_changed")
    assert record.changes == {"assurance_level": [1, 2]}
    assert citizen.personal_id not in record.object_repr
    with pytest.raises(ValidationError):
        set_assurance_level(user=citizen, level=3)
