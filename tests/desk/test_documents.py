"""Official forms 02–07 generated from the dossier and its events."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from motcua.desk import documents
from motcua.dossiers.models import Dossier, DossierEvent, Status

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.desk.forms_test_urls")]

TZ = timezone.get_fixed_timezone(7 * 60)


def at(day: int, hour: int = 9, month: int = 8) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, 0, tzinfo=TZ)


def event(dossier, action, when, *, actor=None, from_status="", to_status="", **data):
    with mock.patch("django.utils.timezone.now", return_value=when):
        return DossierEvent.objects.create(
            dossier=dossier,
            action=action,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            data=data,
        )


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    assert content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def make_dossier(draft, *, code, agency=None, **columns):
    Dossier.objects.filter(pk=draft.pk).update(
        code=code,
        tracking_pin="123456",
        receiving_agency=agency or draft.receiving_agency,
        **columns,
    )
    return Dossier.objects.get(pk=draft.pk)


def clone(draft, *, code, agency, **columns):
    """Another dossier for the same applicant and procedure."""
    other = Dossier.objects.create(
        procedure_version=draft.procedure_version,
        applicant=draft.applicant,
        receiving_agency=agency,
        code=code,
        tracking_pin="654321",
        **columns,
    )
    return other


@pytest.fixture
def officer(tree):
    from tests.factories import OfficerFactory, OfficerRoleFactory

    user = OfficerFactory(full_name="Lê Văn Cán Bộ")
    OfficerRoleFactory(user=user, agency=tree["one_stop"], role="desk_officer")
    return user


@pytest.fixture
def received(draft, officer):
    dossier = make_dossier(
        draft,
        code="001.08.40.H53-250801-0001",
        status=Status.RECEIVED,
        submitted_at=at(1, 8),
        received_at=at(1, 9),
        due_at=at(5, 17),
    )
    event(dossier, "submit", at(1, 8), actor=dossier.applicant, from_status="draft", to_status="submitted")
    event(
        dossier,
        "receive",
        at(1, 9),
        actor=officer,
        from_status="submitted",
        to_status="received",
        form="01",
        due_at=at(5, 17).isoformat(),
    )
    return dossier


# --- forms 02–06 --------------------------------------------------------------------------------


def test_form02_lists_items_reason_and_code(received, officer):
    event(
        received,
        "request_supplement",
        at(2),
        actor=officer,
        from_status="received",
        to_status="supplement_requested",
        form="02",
        reason="Thiếu giấy tờ chứng minh",
        items=[{"name": "Bản sao giấy chứng sinh", "note": "có chứng thực"}, {"name": "Tờ khai"}],
        deadline=at(9, 17).isoformat(),
    )
    text = pdf_text(documents.render_form_pdf(received, "02"))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert received.code in text
    assert "Bản sao giấy chứng sinh" in text and "có chứng thực" in text and "Tờ khai" in text
    assert "Thiếu giấy tờ chứng minh" in text
    assert "09/08/2025" in text


def test_form02_uses_latest_event_or_the_given_one(received, officer):
    first = event(received, "request_supplement", at(2), actor=officer, form="02", reason="Lần thứ nhất")
    event(received, "request_supplement", at(3), actor=officer, form="02", reason="Lần thứ hai")
    assert "Lần thứ hai" in pdf_text(documents.render_form_pdf(received, "02"))
    assert "Lần thứ nhất" in pdf_text(documents.render_form_pdf(received, "02", event=first))


def test_form03_refusal(received, officer):
    event(received, "refuse", at(2), actor=officer, form="03", reason="Không thuộc thẩm quyền giải quyết")
    text = pdf_text(documents.render_form_pdf(received, "03"))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert received.code in text
    assert "Không thuộc thẩm quyền giải quyết" in text


def test_form04_apology_with_old_and_new_dates(received, officer):
    event(
        received,
        "apologise",
        at(5, 10),
        actor=officer,
        form="04",
        reason="Cần xác minh thêm tại địa phương",
        old_due_at=at(5, 17).isoformat(),
        new_due_at=at(12, 17).isoformat(),
    )
    text = pdf_text(documents.render_form_pdf(received, "04"))
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text
    assert received.code in text
    assert "Cần xác minh thêm tại địa phương" in text
    assert "05/08/2025" in text and "ngày 12 tháng 08 năm 2025" in text


def test_form05_stop(received, officer):
    event(received, "stop", at(3), actor=officer, form="05", reason="Người nộp đề nghị dừng")
    text = pdf_text(documents.render_form_pdf(received, "05"))
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    assert received.code in text
    assert "Người nộp đề nghị dừng" in text


def test_form_not_issued_raises(received):
    with pytest.raises(documents.FormNotIssued):
        documents.render_form_pdf(received, "03")


def test_form06_one_row_per_event_with_step_timeliness(received, officer):
    event(
        received,
        "forward",
        at(1, 10),
        actor=officer,
        from_status="received",
        to_status="in_progress",
        step="tham-dinh",
        step_name="Thẩm định",
        to_name="Phạm Chuyên Viên",
        step_due_at=at(2, 17).isoformat(),
    )
    event(
        received,
        "forward",
        at(3, 10),  # the appraisal finished after its step deadline → late
        actor=officer,
        step="phe-duyet",
        step_name="Phê duyệt",
        to_name="Võ Lãnh Đạo",
        step_due_at=at(4, 17).isoformat(),
    )
    event(received, "issue_result", at(4, 9), actor=officer, result_id=1)
    events = list(received.events.order_by("at", "id"))
    context = documents.form_context(received, "06")
    assert len(context["rows"]) == len(events) == 5
    appraisal, approval = context["rows"][2], context["rows"][3]
    assert appraisal.to_whom == "Phạm Chuyên Viên (Thẩm định)"
    assert appraisal.on_time is False
    assert approval.on_time is True
    assert context["rows"][0].on_time is None

    text = pdf_text(documents.render_form_pdf(received, "06"))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert received.code in text
    assert "Phạm Chuyên Viên" in text and "Võ Lãnh Đạo" in text
    assert "Quá hạn" in text and "Đúng hạn" in text


# --- Form 07: the register ----------------------------------------------------------------------


@pytest.fixture
def register_data(received, tree, draft, officer):
    """One-stop centre: `received` (1 Aug) and three more; the provincial centre: one; July: one."""
    one_stop = tree["one_stop"]
    on_time = clone(
        draft,
        code="001.08.40.H53-250802-0001",
        agency=one_stop,
        status=Status.RETURNED,
        submitted_at=at(2, 8),
        received_at=at(2, 9),
        due_at=at(6, 17),
        finished_at=at(6, 10),
        returned_at=at(7, 10),
    )
    event(on_time, "receive", at(2, 9), actor=officer, form="01")
    event(on_time, "forward", at(2, 11), actor=officer, to_name="Phạm Chuyên Viên")
    event(on_time, "return_result", at(7, 10), actor=officer, channel="post")
    late = clone(
        draft,
        code="001.08.40.H53-250803-0001",
        agency=one_stop,
        status=Status.RESOLVED,
        submitted_at=at(3, 8),
        received_at=at(3, 9),
        due_at=at(6, 17),
        finished_at=at(8, 10),
    )
    event(late, "receive", at(3, 9), actor=officer, form="01")
    paused = clone(
        draft,
        code="001.08.40.H53-250804-0001",
        agency=one_stop,
        status=Status.RESOLVED,
        submitted_at=at(4, 8),
        received_at=at(4, 9),
        # the first appointment was 6 Aug; the supplement effect moved it by the paused time
        due_at=at(9, 17),
        finished_at=at(8, 10),  # two days after the first appointment, but paused three days in between
    )
    event(paused, "receive", at(4, 9), actor=officer, form="01", to_status="received")
    event(
        paused,
        "request_supplement",
        at(5, 9),
        actor=officer,
        form="02",
        from_status="received",
        to_status="supplement_requested",
    )
    event(paused, "supplement", at(8, 9), from_status="supplement_requested", to_status="submitted")
    centre = clone(
        draft,
        code="000.00.30.H53-250805-0001",
        agency=tree["centre"],
        status=Status.RECEIVED,
        submitted_at=at(5, 8),
        received_at=at(5, 9),
        due_at=at(9, 17),
    )
    july = clone(
        draft,
        code="001.08.40.H53-250715-0001",
        agency=one_stop,
        status=Status.RETURNED,
        submitted_at=at(15, 8, month=7),
        received_at=at(15, 9, month=7),
        due_at=at(20, 17, month=7),
        finished_at=at(18, 9, month=7),
        returned_at=at(18, 10, month=7),
    )
    return {
        "received": received,
        "on_time": on_time,
        "late": late,
        "paused": paused,
        "centre": centre,
        "july": july,
    }


def test_register_period_and_subtree(register_data, tree):
    rows = documents.register_rows(
        agency=tree["commune_pc"], start=dt.date(2025, 8, 1), end=dt.date(2025, 8, 31), now=at(10)
    )
    codes = [r.code for r in rows]
    assert codes == [
        "001.08.40.H53-250801-0001",
        "001.08.40.H53-250802-0001",
        "001.08.40.H53-250803-0001",
        "001.08.40.H53-250804-0001",
    ]
    assert [r.number for r in rows] == [1, 2, 3, 4]
    assert register_data["centre"].code not in codes and register_data["july"].code not in codes

    whole = documents.register_rows(
        agency=tree["root"], start=dt.date(2025, 7, 1), end=dt.date(2025, 8, 31), now=at(10)
    )
    assert len(whole) == 6


def test_register_columns_and_lateness(register_data, tree):
    rows = {
        r.code: r
        for r in documents.register_rows(
            agency=tree["one_stop"], start=dt.date(2025, 8, 1), end=dt.date(2025, 8, 31), now=at(10)
        )
    }
    on_time = rows["001.08.40.H53-250802-0001"]
    assert on_time.late is False and on_time.timeliness == "Đúng hạn"
    assert on_time.handed_over_at == timezone.localtime(at(2, 11))
    assert on_time.returned_at == timezone.localtime(at(7, 10))
    assert on_time.status_label == "Đã trả kết quả"
    assert "bưu chính" in on_time.note
    assert on_time.applicant_name == "Trần Thị Bình" and on_time.phone == "0912345678"

    assert rows["001.08.40.H53-250803-0001"].late is True  # finished after due_at
    paused = rows["001.08.40.H53-250804-0001"]
    assert paused.late is False  # 2 days after due_at, net of a 3-day pause
    assert "Yêu cầu bổ sung 1 lần" in paused.note
    # not finished, due 5 Aug 17:00: late once now is past it
    assert rows["001.08.40.H53-250801-0001"].late is True
    early = documents.register_rows(
        agency=tree["one_stop"], start=dt.date(2025, 8, 1), end=dt.date(2025, 8, 1), now=at(4)
    )
    assert [r.late for r in early] == [False]


def test_apology_keeps_it_late(received, officer):
    event(received, "apologise", at(4), actor=officer, form="04", new_due_at=at(20, 17).isoformat())
    # as backoffice.apologise does: the first appointment is kept, the new one shown
    Dossier.objects.filter(pk=received.pk).update(original_due_at=received.due_at, due_at=at(20, 17))
    rows = documents.register_rows(
        agency=received.receiving_agency, start=dt.date(2025, 8, 1), end=dt.date(2025, 8, 1), now=at(6)
    )
    assert rows[0].late is True
    assert "hẹn lại 20/08/2025" in rows[0].note


def test_register_query_count_is_constant(register_data, tree, draft, officer):
    def count():
        with CaptureQueriesContext(connection) as captured:
            documents.register_rows(
                agency=tree["root"], start=dt.date(2025, 7, 1), end=dt.date(2025, 8, 31), now=at(10)
            )
        return len(captured.captured_queries)

    before = count()
    for n in range(5):
        extra = clone(
            draft,
            code=f"001.08.40.H53-250810-{n + 1:04d}",
            agency=tree["one_stop"],
            status=Status.RECEIVED,
            submitted_at=at(10, 8),
            received_at=at(10, 9),
            due_at=at(14, 17),
        )
        event(extra, "receive", at(10, 9), actor=officer, form="01")
        event(extra, "forward", at(10, 10), actor=officer)
    assert count() == before <= 3


def test_register_xlsx_and_pdf(register_data, tree):
    from openpyxl import load_workbook

    start, end = dt.date(2025, 8, 1), dt.date(2025, 8, 31)
    rows = documents.register_rows(agency=tree["one_stop"], start=start, end=end, now=at(10))
    book = load_workbook(
        io.BytesIO(documents.register_xlsx(rows, agency=tree["one_stop"], start=start, end=end))
    )
    sheet = book.active
    assert sheet["A1"].value == "SỔ THEO DÕI HỒ SƠ"
    assert sheet["A2"].value == tree["one_stop"].name
    assert "01/08/2025" in sheet["A3"].value and "31/08/2025" in sheet["A3"].value
    assert sheet["A5"].value == "STT" and sheet["B5"].value == "Mã hồ sơ"
    assert sheet.freeze_panes == "C6"
    assert [sheet.cell(row=6 + i, column=2).value for i in range(len(rows))] == [r.code for r in rows]
    assert sheet.cell(row=7, column=6).number_format == "dd/mm/yyyy"
    assert sheet.cell(row=7, column=6).value.date() == dt.date(2025, 8, 2)
    assert sheet.column_dimensions["C"].width == 40

    text = pdf_text(documents.register_pdf(rows, agency=tree["one_stop"], start=start, end=end))
    assert "SỔ THEO DÕI HỒ SƠ" in text.upper()
    assert "001.08.40.H53-250804-0001" in text


# --- views --------------------------------------------------------------------------------------


def test_officer_downloads_a_form(client, received, officer):
    from motcua.core.models import AuditRecord

    event(received, "refuse", at(2), actor=officer, form="03", reason="Hồ sơ giả mạo")
    client.force_login(officer)
    response = client.get(reverse("desk_forms:form_pdf", args=[received.pk, "03"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Hồ sơ giả mạo" in pdf_text(response.content)
    assert AuditRecord.objects.filter(action="desk.view_form", object_id=str(received.pk)).exists()
    # a form never issued, or an unknown form: 404
    assert client.get(reverse("desk_forms:form_pdf", args=[received.pk, "05"])).status_code == 404
    assert client.get(reverse("desk_forms:form_pdf", args=[received.pk, "09"])).status_code == 404
    assert client.get(reverse("desk_forms:form_pdf", args=[received.pk, "06"])).status_code == 200


def test_officer_of_another_commune_gets_404(client, received, tree):
    from tests.factories import AgencyFactory, OfficerFactory, OfficerRoleFactory

    stranger = OfficerFactory()
    OfficerRoleFactory(user=stranger, agency=AgencyFactory(parent=tree["root"]), role="desk_officer")
    client.force_login(stranger)
    assert client.get(reverse("desk_forms:form_pdf", args=[received.pk, "06"])).status_code == 404
    url = reverse("desk_forms:register")
    params = {"agency": tree["one_stop"].code, "from": "01/08/2025", "to": "31/08/2025"}
    assert client.get(url, params).status_code == 404


def test_citizen_gets_404_and_anonymous_is_sent_to_login(client, received, citizen):
    form_url = reverse("desk_forms:form_pdf", args=[received.pk, "06"])
    anonymous = client.get(form_url)
    assert anonymous.status_code == 302
    client.force_login(citizen)
    assert client.get(form_url).status_code == 404
    assert client.get(reverse("desk_forms:register")).status_code == 404


def test_register_view_downloads_xlsx_and_audits(client, register_data, officer, tree):
    from openpyxl import load_workbook

    from motcua.core.models import AuditRecord

    client.force_login(officer)
    url = reverse("desk_forms:register")
    assert client.get(url).status_code == 200
    response = client.get(url, {"agency": tree["one_stop"].code, "from": "01/08/2025", "to": "31/08/2025"})
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["B6"].value == "001.08.40.H53-250801-0001"
    assert AuditRecord.objects.filter(action="desk.view_register").count() == 1

    pdf = client.get(
        url, {"agency": tree["one_stop"].code, "from": "01/08/2025", "to": "31/08/2025", "format": "pdf"}
    )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # an agency above the officer's scope: 404
    above = client.get(url, {"agency": tree["root"].code, "from": "01/08/2025", "to": "31/08/2025"})
    assert above.status_code == 404


def test_register_view_bad_dates(client, officer, tree):
    client.force_login(officer)
    url = reverse("desk_forms:register")
    response = client.get(url, {"agency": tree["one_stop"].code, "from": "31/02/2025", "to": "2025-08-31"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_start_error"' in body and 'id="id_end_error"' in body
    assert "dd/mm/yyyy" in body

    too_long = client.get(url, {"agency": tree["one_stop"].code, "from": "01/01/2024", "to": "31/12/2025"})
    assert too_long.status_code == 400
    assert "366" in too_long.content.decode()
