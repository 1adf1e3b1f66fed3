"""Demo accounts: the agreed logins, idempotent, with the right roles."""

import pytest

from motcua.accounts import selectors
from motcua.accounts.demo import build_demo_users
from motcua.accounts.models import User
from motcua.accounts.personal_id import parse_personal_id
from motcua.org.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def logins(demo_tree):
    return build_demo_users()


def test_the_logins(logins):
    usernames = [u for u, _, _ in logins]
    assert usernames[0] == "admin"
    for expected in (
        "canbo.tandong",
        "chuyenvien.tandong",
        "lanhdao.tandong",
        "canbo.tinh",
        "canbo.sotuphap",
        "kiemtra.tinh",
    ):
        assert expected in usernames
    passwords = {u: p for u, p, _ in logins}
    assert passwords["admin"] == "motcua-admin"
    assert {p for u, p in passwords.items() if u != "admin"} == {"demo12345"}
    assert all(description for _, _, description in logins)
    for username, password, _ in logins:
        assert User.objects.get(username=username).check_password(password)


def test_admin_is_superuser_and_province_admin(logins):
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert selectors.has_role(admin, "province_admin", Agency.objects.get(code="000.00.00.H53"))


def test_tan_dong_officers(logins):
    centre = Agency.objects.get(code="001.08.40.H53")
    pc = Agency.objects.get(code="000.08.40.H53")
    assert "Tân Đông" in centre.name
    assert selectors.has_role(User.objects.get(username="canbo.tandong"), "desk_officer", centre)
    assert selectors.has_role(User.objects.get(username="chuyenvien.tandong"), "specialist", pc)
    assert selectors.has_role(User.objects.get(username="lanhdao.tandong"), "leader", pc)
    desk = User.objects.get(username="canbo.tandong")
    assert not selectors.can_see(desk, Agency.objects.get(code="001.07.40.H53"))  # Tân Châu


def test_provincial_officers(logins):
    assert selectors.has_role(
        User.objects.get(username="canbo.tinh"), "desk_officer", Agency.objects.get(code="000.00.30.H53")
    )
    assert selectors.has_role(
        User.objects.get(username="canbo.sotuphap"), "desk_officer", Agency.objects.get(code="000.00.04.H53")
    )
    auditor = User.objects.get(username="kiemtra.tinh")
    assert selectors.visible_agencies(auditor).count() == 305
    assert not selectors.can_act(auditor, Agency.objects.get(code="001.08.40.H53"))


def test_citizens_have_valid_ids_and_both_assurance_levels(logins):
    citizens = User.objects.filter(personal_id__isnull=False).order_by("assurance_level")
    assert [c.assurance_level for c in citizens] == [1, 2]
    for citizen in citizens:
        assert citizen.username == citizen.personal_id
        assert parse_personal_id(citizen.personal_id).valid
        assert not citizen.is_officer
        assert not selectors.visible_agencies(citizen).exists()


def test_building_again_changes_nothing(logins, django_assert_max_num_queries):
    users, roles = User.objects.count(), sum(u.roles.count() for u in User.objects.all())
    again = build_demo_users()
    assert again == logins
    assert User.objects.count() == users
    assert sum(u.roles.count() for u in User.objects.all()) == roles


def test_building_users_builds_the_tree_when_missing(db):
    logins = build_demo_users()
    assert len(logins) >= 10
    assert Agency.objects.count() == 305
