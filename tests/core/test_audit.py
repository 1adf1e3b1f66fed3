"""The audit log is append-only and records admin changes."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry

from motcua.core import audit
from motcua.core.models import AppendOnlyError, AuditRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user(username="canbo", password="x" * 12)


def test_record_keeps_who_did_what_to_which_object(officer):
    entry = audit.record(action="catalog.publish", obj=officer, actor=officer, changes={"n": 1})
    assert entry.actor == officer
    assert entry.actor_label == "canbo"
    assert entry.object_type == "accounts.user"
    assert entry.object_id == str(officer.pk)
    assert entry.changes == {"n": 1}


def test_without_an_actor_the_system_is_recorded():
    assert audit.record(action="job.ran", object_type="job").actor_label == "system"


def test_records_cannot_be_changed(officer):
    entry = audit.record(action="x", obj=officer)
    entry.action = "y"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=entry.pk).update(action="y")


def test_records_cannot_be_deleted(officer):
    entry = audit.record(action="x", obj=officer)
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.all().delete()
    assert AuditRecord.objects.filter(pk=entry.pk).exists()


def test_admin_changes_are_recorded(officer):
    LogEntry.objects.log_actions(
        user_id=officer.pk,
        queryset=[officer],
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Email"]}}]',
        single_object=True,
    )
    entry = AuditRecord.objects.get(action="admin.change")
    assert entry.actor == officer and entry.object_id == str(officer.pk)


def test_a_change_through_the_admin_site_is_recorded(admin_client):
    from motcua.core.models import DayOverride

    response = admin_client.post(
        "/admin/core/dayoverride/add/",
        {"date": "2027-01-02", "kind": "working_day", "reason": "Làm bù", "source": "Thông báo thử"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert DayOverride.objects.filter(date="2027-01-02").exists()
    assert AuditRecord.objects.filter(action="admin.add", object_type="core.dayoverride").exists()


def test_the_audit_log_is_read_only_in_the_admin(admin_client, officer):
    entry = audit.record(action="x", obj=officer)
    assert admin_client.get("/admin/core/auditrecord/").status_code == 200
    assert (
        admin_client.post(f"/admin/core/auditrecord/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    )


def test_bulk_deletion_in_the_admin_is_recorded(admin_client):
    from motcua.core.models import DayOverride

    a = DayOverride.objects.create(date="2027-01-02", kind="working_day", reason="a")
    b = DayOverride.objects.create(date="2027-01-09", kind="working_day", reason="b")
    response = admin_client.post(
        "/admin/core/dayoverride/",
        {"action": "delete_selected", "_selected_action": [a.pk, b.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not DayOverride.objects.filter(pk__in=[a.pk, b.pk]).exists()
    deleted = set(AuditRecord.objects.filter(action="admin.delete").values_list("object_id", flat=True))
    assert deleted == {str(a.pk), str(b.pk)}


def test_a_citizens_personal_id_is_not_copied_into_the_label(django_user_model):
    citizen = django_user_model.objects.create_user(username="072090000001", personal_id="072090000001")
    entry = audit.record(action="dossier.submit", obj=citizen, actor=citizen)
    assert entry.actor == citizen
    assert "072090000001" not in entry.actor_label
