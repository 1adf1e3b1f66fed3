"""Back-office screens: scoped queues, the dossier page, actions with a stale-page check, intake."""

import datetime as dt

import pytest
from django.utils import timezone

from motcua.core.models import AuditRecord
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, Status
from tests.dossiers.files import pdf_bytes, upload
from tests.factories import AgencyFactory, OfficerRoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_otp(settings):
    settings.MOTCUA_OFFICER_OTP_REQUIRED = False  # TOTP itself is tested in tests/accounts


@pytest.fixture
def submitted(draft, citizen):
    services.save_answers(
        dossier=draft, answers={"ho_ten": "Trần Thị Bình", "ngay_sinh": "1995-03-12", "ten_tre": "K"}
    )
    services.add_attachment(
        dossier=draft, document_code="giay-chung-sinh", uploaded=upload("a.pdf", pdf_bytes()), actor=citizen
    )
    services.choose_payment(dossier=draft, at_desk=True)
    return services.submit(dossier=draft, actor=citizen)


@pytest.fixture
def desk(client, tree):
    officer = OfficerRoleFactory(agency=tree["one_stop"], role="desk_officer").user
    client.force_login(officer)
    return client


def test_the_reception_queue_shows_the_dossier(desk, submitted):
    html = desk.get("/mot-cua/").content.decode()
    assert submitted.code in html


def test_an_officer_of_another_commune_sees_nothing(client, submitted):
    other = OfficerRoleFactory(agency=AgencyFactory(kind="commune_one_stop"), role="desk_officer").user
    client.force_login(other)
    assert submitted.code not in client.get("/mot-cua/").content.decode()
    assert client.get(f"/mot-cua/ho-so/{submitted.pk}/").status_code == 404
    response = client.post(f"/mot-cua/ho-so/{submitted.pk}/thao-tac/", {"action": "receive"})
    assert response.status_code == 404
    assert Dossier.objects.get(pk=submitted.pk).status == Status.SUBMITTED


def test_citizens_do_not_see_the_back_office(client, citizen, submitted):
    client.force_login(citizen)
    assert client.get("/mot-cua/").status_code == 404
    assert client.get(f"/mot-cua/ho-so/{submitted.pk}/").status_code == 404


def test_opening_a_dossier_is_audited(desk, submitted):
    assert desk.get(f"/mot-cua/ho-so/{submitted.pk}/").status_code == 200
    assert AuditRecord.objects.filter(action="desk.view_dossier", object_id=str(submitted.pk)).exists()


def test_receive_from_the_dossier_page(desk, submitted):
    response = desk.post(
        f"/mot-cua/ho-so/{submitted.pk}/thao-tac/",
        {"action": "receive", "expected_version": submitted.lock_version},
    )
    assert response.status_code == 302
    assert Dossier.objects.get(pk=submitted.pk).status == Status.RECEIVED


def test_an_action_on_a_stale_page_changes_nothing(desk, submitted):
    response = desk.post(
        f"/mot-cua/ho-so/{submitted.pk}/thao-tac/",
        {"action": "refuse", "reason": "x", "expected_version": submitted.lock_version + 5},
        follow=True,
    )
    assert "Người khác vừa thay đổi" in response.content.decode()
    assert Dossier.objects.get(pk=submitted.pk).status == Status.SUBMITTED


def test_an_action_not_allowed_in_this_state_says_so(desk, submitted):
    response = desk.post(f"/mot-cua/ho-so/{submitted.pk}/thao-tac/", {"action": "issue_result"}, follow=True)
    assert 'class="notice notice-error"' in response.content.decode()
    assert Dossier.objects.get(pk=submitted.pk).status == Status.SUBMITTED


def test_queue_pages_use_a_fixed_number_of_queries(desk, submitted, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        desk.get("/mot-cua/?hang=reception")


def test_the_dossier_page_reads_a_fixed_number_of_statements_however_long_its_history(
    desk, submitted, tree, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.dossiers.lifecycle import transition

    officer = desk.get("/").wsgi_request.user
    page = f"/mot-cua/ho-so/{submitted.pk}/"
    desk.get(page)  # warm: the catalog's per-version parts and transfer targets are cached
    with CaptureQueriesContext(connection) as short:
        assert desk.get(page).status_code == 200
    transition(dossier=submitted, action="receive", actor=officer)
    submitted.refresh_from_db()
    transition(dossier=submitted, action="request_supplement", actor=officer, comment="Thiếu bản sao")
    submitted.refresh_from_db()
    transition(dossier=submitted, action="supplement", actor=submitted.applicant)
    assert submitted.events.count() >= 4
    with CaptureQueriesContext(connection) as long:
        assert desk.get(page).status_code == 200
    assert len(long.captured_queries) == len(short.captured_queries)
    assert not [q for q in long.captured_queries if '"org_agency"."id" =' in q["sql"]]  # both agencies joined
    with django_assert_max_num_queries(9):
        desk.get(page)


def test_the_dossier_page_offers_only_officers_acting_at_its_agencies(desk, submitted, tree):
    from tests.factories import UserFactory

    specialist = OfficerRoleFactory(agency=tree["commune_pc"], role="specialist").user
    auditor = OfficerRoleFactory(agency=tree["commune_pc"], role="auditor").user
    elsewhere = OfficerRoleFactory(agency=tree["dept"], role="specialist").user
    for user, name in ((specialist, "Lê Văn Chuyên"), (auditor, "Phạm Thị Kiểm"), (elsewhere, "Đỗ Sở Khác")):
        UserFactory._meta.model.objects.filter(pk=user.pk).update(full_name=name)
    from motcua.dossiers.backoffice import receive

    receive(dossier=submitted, actor=desk.get("/").wsgi_request.user)  # now it can be forwarded
    html = desk.get(f"/mot-cua/ho-so/{submitted.pk}/").content.decode()
    assert f'<option value="{specialist.pk}">Lê Văn Chuyên</option>' in html
    assert "Phạm Thị Kiểm" not in html and "Đỗ Sở Khác" not in html


def test_online_only_day_sends_walk_ins_to_assisted_mode(desk, tree, version):
    from motcua.desk.models import OnlineOnlyDay

    OnlineOnlyDay.objects.create(agency=tree["one_stop"], weekday=timezone.localdate().weekday())
    response = desk.post(
        "/mot-cua/tiep-nhan-truc-tiep/",
        {
            "mode": "in_person",
            "personal_id": "080195000002",
            "full_name": "Trần Thị Bình",
            "procedure": "1.001193",
        },
    )
    assert response.status_code == 400 and not Dossier.objects.exists()
    assisted = desk.post(
        "/mot-cua/tiep-nhan-truc-tiep/",
        {
            "mode": "online",
            "personal_id": "080195000002",
            "full_name": "Trần Thị Bình",
            "procedure": "1.001193",
        },
    )
    assert assisted.status_code == 302
    assert Dossier.objects.get().assisted and Dossier.objects.get().channel == "online"


def test_elderly_citizens_are_taken_in_person_on_online_only_days(desk, tree, version):
    from motcua.desk.models import OnlineOnlyDay

    OnlineOnlyDay.objects.create(agency=tree["one_stop"], weekday=timezone.localdate().weekday())
    born_1940 = "072040000123"
    response = desk.post(
        "/mot-cua/tiep-nhan-truc-tiep/",
        {"mode": "in_person", "personal_id": born_1940, "full_name": "Cụ Ông", "procedure": "1.001193"},
    )
    assert response.status_code == 302
    assert Dossier.objects.get().channel == "in_person"


def test_lateness_marks_rows(desk, submitted):
    Dossier.objects.filter(pk=submitted.pk).update(due_at=timezone.now() - dt.timedelta(hours=2))
    html = desk.get("/mot-cua/?hang=late").content.decode()
    assert 'class="late"' in html and submitted.code in html


def test_apologies_are_published_without_personal_data(client, submitted, tree):
    from motcua.core.calendar import get_calendar
    from motcua.dossiers import backoffice

    desk_officer = OfficerRoleFactory(agency=tree["one_stop"], role="desk_officer").user
    leader = OfficerRoleFactory(agency=tree["commune_pc"], role="leader").user
    received = backoffice.receive(dossier=submitted, actor=desk_officer)
    new_due = get_calendar().add_working_days(received.due_at, 2)
    backoffice.apologise(dossier=received, actor=leader, reason="Cần xác minh thêm", new_due_at=new_due)
    html = client.get("/xin-loi/").content.decode()
    assert submitted.code in html and "Cần xác minh thêm" in html
    assert timezone.localtime(new_due).strftime("%d/%m/%Y") in html
    assert "Trần Thị Bình" not in html


def test_the_citizen_supplements_on_the_web(client, submitted, tree, citizen):
    from motcua.dossiers import backoffice

    officer = OfficerRoleFactory(agency=tree["one_stop"], role="desk_officer").user
    backoffice.request_supplement(
        dossier=submitted, actor=officer, reason="Ảnh mờ", items=["Giấy chứng sinh rõ nét"]
    )
    client.force_login(citizen)
    page = client.get(f"/ho-so/{submitted.pk}/").content.decode()
    assert "Giấy chứng sinh rõ nét" in page and 'id="supplement"' in page
    response = client.post(
        f"/ho-so/{submitted.pk}/bo-sung/",
        {"doc_giay-chung-sinh": upload("ro-net.pdf", pdf_bytes(2)), "comment": "Đã chụp lại"},
    )
    assert response.status_code == 302
    done = Dossier.objects.get(pk=submitted.pk)
    assert done.status == Status.SUBMITTED and done.attachments.count() == 2


def test_a_supplement_after_the_deadline_changes_nothing(client, submitted, tree, citizen):
    from motcua.dossiers import backoffice

    officer = OfficerRoleFactory(agency=tree["one_stop"], role="desk_officer").user
    backoffice.request_supplement(
        dossier=submitted, actor=officer, reason="Ảnh mờ", items=["Giấy chứng sinh"]
    )
    Dossier.objects.filter(pk=submitted.pk).update(supplement_deadline=timezone.now() - dt.timedelta(hours=1))
    client.force_login(citizen)
    response = client.post(
        f"/ho-so/{submitted.pk}/bo-sung/", {"doc_giay-chung-sinh": upload("a.pdf", pdf_bytes())}, follow=True
    )
    assert "quá hạn bổ sung" in response.content.decode()
    after = Dossier.objects.get(pk=submitted.pk)
    assert after.status == Status.SUPPLEMENT_REQUESTED and after.attachments.count() == 1


def test_keyboard_shortcuts_on_queues_and_actions(desk, submitted):
    queues = desk.get("/mot-cua/").content.decode()
    assert 'accesskey="1"' in queues and 'accesskey="s"' in queues
    page = desk.get(f"/mot-cua/ho-so/{submitted.pk}/").content.decode()
    assert 'accesskey="n"' in page and 'aria-keyshortcuts="Alt+Shift+N"' in page


ROLES = ["desk_officer", "specialist", "leader", "agency_admin", "auditor", "community_helper"]


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix_other_agencies_dossiers(client, submitted, role):
    """Every role of another commune: 404 on every back-office page of this dossier."""
    outsider = OfficerRoleFactory(agency=AgencyFactory(kind="commune_pc"), role=role).user
    client.force_login(outsider)
    pk = submitted.pk
    for url in (
        f"/mot-cua/ho-so/{pk}/",
        f"/mot-cua/ho-so/{pk}/mau-06.pdf",
        f"/ho-so/{pk}/",
        f"/ho-so/{pk}/bien-nhan.pdf",
    ):
        assert client.get(url).status_code == 404, (role, url)
    assert client.post(f"/mot-cua/ho-so/{pk}/thao-tac/", {"action": "receive"}).status_code == 404
    assert submitted.code not in client.get("/mot-cua/").content.decode()
    assert Dossier.objects.get(pk=pk).status == Status.SUBMITTED
