"""Admin: folded-name search, commune filter, audited reads, the read-only lookup log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.core.models import AuditRecord
from motcua.registers.models import RegisterLookup, Resident
from motcua.registers.services import prefill
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def _names(response) -> list[str]:
    return [r.full_name for r in response.context["cl"].result_list]


def test_resident_search_ignores_accents_and_case(client, admin_user, family):
    client.force_login(admin_user)
    response = client.get(reverse("admin:registers_resident_changelist"), {"q": "TRAN THI BINH"})
    assert response.status_code == 200
    assert _names(response) == ["Trần Thị Bình"]
    response = client.get(reverse("admin:registers_resident_changelist"), {"q": "0720930"})
    assert _names(response) == ["Lê Văn Cường"]


def test_resident_filter_by_commune(client, admin_user, family):
    client.force_login(admin_user)
    response = client.get(reverse("admin:registers_resident_changelist"), {"commune": "25516"})
    assert response.status_code == 200
    assert _names(response) == ["Nguyễn Văn An"]
    assert "Xã Tân Châu" in response.content.decode()


def test_household_admin_lists_members(client, admin_user, family):
    client.force_login(admin_user)
    household = Resident.objects.get(personal_id="080195000002").household
    response = client.get(reverse("admin:registers_household_change", args=[household.pk]))
    assert response.status_code == 200
    assert "Lê Ngọc Diệp" in response.content.decode()
    response = client.get(reverse("admin:registers_household_changelist"), {"q": "cuong"})
    assert [h.code for h in response.context["cl"].result_list] == ["DEMO-TANDONG-01"]


def test_opening_a_resident_is_audited(client, admin_user, family):
    client.force_login(admin_user)
    binh = Resident.objects.get(personal_id="080195000002")
    response = client.get(reverse("admin:registers_resident_change", args=[binh.pk]))
    assert response.status_code == 200
    record = AuditRecord.objects.get(action="registers.resident_viewed")
    assert record.object_id == str(binh.pk) and record.actor == admin_user


def test_the_lookup_log_is_read_only_and_searchable_by_personal_id(client, admin_user, family):
    prefill(personal_id="080195000002", assurance_level=2, wanted={"n": "full_name"})
    prefill(personal_id="072090000001", assurance_level=2, wanted={"n": "full_name"})
    client.force_login(admin_user)
    url = reverse("admin:registers_registerlookup_changelist")
    response = client.get(url, {"q": "080195000002"})
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 1
    entry = RegisterLookup.objects.first()
    assert client.get(reverse("admin:registers_registerlookup_add")).status_code == 403
    assert client.post(reverse("admin:registers_registerlookup_delete", args=[entry.pk])).status_code == 403
    page = client.get(reverse("admin:registers_registerlookup_change", args=[entry.pk]))
    assert page.status_code == 200 and b'name="outcome"' not in page.content
