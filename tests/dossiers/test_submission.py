"""Submitting online: drafts, answers, documents, fee, code, PIN, due date, idempotency."""

import threading

import pytest
from django.core.files.storage import default_storage
from django.db import connection

from motcua.catalog import selectors as catalog_selectors
from motcua.dossiers import codes, selectors, services
from motcua.dossiers.attachments import FileRejected
from motcua.dossiers.models import Attachment, Dossier, DossierEvent, PaymentState, Status
from tests.dossiers.files import image_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db

ANSWERS = {"ho_ten": "Trần Thị Bình", "ngay_sinh": "1995-03-12", "ten_tre": "Lê Minh Khang"}


def ready(dossier, citizen):
    services.save_answers(dossier=dossier, answers=ANSWERS)
    services.add_attachment(
        dossier=dossier,
        document_code="giay-chung-sinh",
        uploaded=upload("gcs.pdf", pdf_bytes()),
        actor=citizen,
    )
    services.choose_payment(dossier=dossier, at_desk=True)
    return Dossier.objects.get(pk=dossier.pk)


def test_start_is_idempotent_with_the_same_key(version, citizen):
    first, created = services.start_draft(version=version, applicant=citizen, idempotency_key="k1")
    again, created_again = services.start_draft(version=version, applicant=citizen, idempotency_key="k1")
    assert created and not created_again and first.pk == again.pk
    assert Dossier.objects.count() == 1


def test_prefilled_answers_cannot_be_overwritten(version, citizen):
    dossier, _ = services.start_draft(
        version=version, applicant=citizen, prefilled={"ho_ten": "Trần Thị Bình"}
    )
    services.save_answers(dossier=dossier, answers={"ho_ten": "Kẻ Giả Mạo", "ten_tre": "Khang"})
    dossier.refresh_from_db()
    assert dossier.form_data["ho_ten"] == "Trần Thị Bình" and dossier.form_data["ten_tre"] == "Khang"


def test_a_draft_cannot_be_submitted_until_complete(draft, citizen):
    with pytest.raises(services.SubmissionError) as info:
        services.submit(dossier=draft, actor=citizen)
    assert {"ho_ten", "ngay_sinh", "ten_tre", "giay_chung_sinh", "payment"} <= set(info.value.errors)
    assert Dossier.objects.get(pk=draft.pk).status == Status.DRAFT


def test_submission_sets_code_pin_fee_due_date_and_event(draft, citizen, tree):
    dossier = ready(draft, citizen)
    submitted = services.submit(dossier=dossier, actor=citizen)
    assert submitted.status == Status.SUBMITTED
    assert submitted.code.startswith("001.08.40.H53-") and codes.is_valid_code(submitted.code)
    assert len(submitted.tracking_pin) == 6
    assert submitted.fee_amount == 5000  # the online schedule, not the desk's 10.000 đ
    expected = catalog_selectors.due_if_submitted(
        submitted.procedure_version, submitted.submitted_at, online=True
    )
    assert submitted.due_at == expected
    event = DossierEvent.objects.get(dossier=submitted, action="submit")
    assert event.data["code"] == submitted.code and event.to_status == "submitted"


def test_submission_queues_the_notifications_in_the_same_transaction(draft, citizen):
    from motcua.notifications.models import Notification

    services.submit(dossier=ready(draft, citizen), actor=citizen)
    channels = sorted(Notification.objects.filter(related_id=str(draft.pk)).values_list("channel", flat=True))
    assert channels == ["email", "sms"]


def test_submitting_twice_gives_the_same_dossier(draft, citizen):
    dossier = ready(draft, citizen)
    first = services.submit(dossier=dossier, actor=citizen)
    second = services.submit(dossier=dossier, actor=citizen)
    assert first.code == second.code
    assert DossierEvent.objects.filter(dossier=dossier, action="submit").count() == 1


def test_a_submitted_dossier_cannot_be_edited(draft, citizen):
    services.submit(dossier=ready(draft, citizen), actor=citizen)
    with pytest.raises(services.SubmissionError):
        services.save_answers(dossier=draft, answers={"ten_tre": "khác"})


def test_level_two_procedures_refuse_a_level_one_account(version, other_citizen, tree):
    version.__class__.objects.filter(pk=version.pk).update(min_assurance_level=2)
    version.refresh_from_db()
    dossier, _ = services.start_draft(version=version, applicant=other_citizen)
    assert "" in services.submission_problems(dossier)


def test_an_unpaid_fee_blocks_until_paid_or_desk_chosen(draft, citizen):
    services.save_answers(dossier=draft, answers=ANSWERS)
    services.add_attachment(
        dossier=draft, document_code="giay-chung-sinh", uploaded=upload("a.pdf", pdf_bytes()), actor=citizen
    )
    assert "payment" in services.submission_problems(Dossier.objects.get(pk=draft.pk))
    Dossier.objects.filter(pk=draft.pk).update(payment_state=PaymentState.PAID, fee_amount=5000)
    assert "payment" not in services.submission_problems(Dossier.objects.get(pk=draft.pk))


def test_attachment_is_stored_by_content_hash_and_replaced(draft, citizen):
    first = services.add_attachment(
        dossier=draft, document_code="giay-chung-sinh", uploaded=upload("a.pdf", pdf_bytes()), actor=citizen
    )
    assert first.file.name == f"dossiers/{first.sha256[:2]}/{first.sha256}.pdf"
    second = services.add_attachment(
        dossier=draft, document_code="giay-chung-sinh", uploaded=upload("b.png", image_bytes()), actor=citizen
    )
    assert list(draft.attachments.values_list("pk", flat=True)) == [second.pk]
    assert default_storage.exists(second.file.name)


def test_unknown_document_slot_is_refused(draft, citizen):
    with pytest.raises(FileRejected):
        services.add_attachment(
            dossier=draft, document_code="khong-co", uploaded=upload("a.pdf", pdf_bytes()), actor=citizen
        )


def test_dossier_size_limit(draft, citizen, monkeypatch):
    from motcua.dossiers import conf

    monkeypatch.setattr(conf, "MAX_DOSSIER_BYTES", 100)
    with pytest.raises(FileRejected, match="MB"):
        services.add_attachment(
            dossier=draft,
            document_code="giay-chung-sinh",
            uploaded=upload("a.pdf", pdf_bytes()),
            actor=citizen,
        )
    assert not Attachment.objects.exists()


def test_a_crash_after_the_file_is_written_leaves_no_orphan(draft, citizen, monkeypatch):
    content = pdf_bytes(2)
    import hashlib

    path = f"dossiers/{hashlib.sha256(content).hexdigest()[:2]}/{hashlib.sha256(content).hexdigest()}.pdf"

    def crash(*args, **kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr(Attachment.objects, "create", crash)
    with pytest.raises(RuntimeError):
        services.add_attachment(
            dossier=draft, document_code="giay-chung-sinh", uploaded=upload("a.pdf", content), actor=citizen
        )
    assert not default_storage.exists(path)
    assert not Attachment.objects.exists()


def test_reusing_a_document_from_an_earlier_dossier_is_flagged(draft, citizen, version):
    services.submit(dossier=ready(draft, citizen), actor=citizen)
    source = draft.attachments.get()
    second, _ = services.start_draft(version=version, applicant=citizen)
    assert [a.pk for a in services.reusable_documents(citizen)] == [source.pk]
    reused = services.reuse_document(
        dossier=second, document_code="giay-chung-sinh", source_id=source.pk, actor=citizen
    )
    assert reused.reused and reused.reused_from == source and reused.file.name == source.file.name


def test_someone_elses_document_cannot_be_reused(draft, citizen, version, other_citizen):
    services.submit(dossier=ready(draft, citizen), actor=citizen)
    source = draft.attachments.get()
    theirs, _ = services.start_draft(version=version, applicant=other_citizen)
    with pytest.raises(FileRejected):
        services.reuse_document(
            dossier=theirs, document_code="giay-chung-sinh", source_id=source.pk, actor=other_citizen
        )


def test_public_tracking_needs_code_and_pin_and_shows_no_personal_data(draft, citizen):
    submitted = services.submit(dossier=ready(draft, citizen), actor=citizen)
    result = selectors.track(submitted.code, submitted.tracking_pin)
    assert result.status == "submitted" and result.code == submitted.code
    assert "Trần" not in repr(result) and citizen.personal_id not in repr(result)
    wrong = "000000" if submitted.tracking_pin != "000000" else "111111"
    assert selectors.track(submitted.code, wrong) is None
    assert selectors.track("not-a-code", submitted.tracking_pin) is None


def test_receipt_pdf_carries_the_code_and_the_due_date(draft, citizen):
    import io

    from pypdf import PdfReader

    from motcua.dossiers.receipt import render_receipt_pdf

    submitted = services.submit(dossier=ready(draft, citizen), actor=citizen)
    text = PdfReader(io.BytesIO(render_receipt_pdf(submitted))).pages[0].extract_text()
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert submitted.code in text.replace("\n", "")
    from django.utils import timezone

    assert timezone.localtime(submitted.due_at).strftime("%d/%m/%Y") in text


@pytest.mark.django_db(transaction=True)
def test_32_concurrent_submissions_get_32_different_codes(version, tree, django_user_model):
    from tests.factories import CitizenFactory

    drafts = []
    for _ in range(32):
        citizen = CitizenFactory()
        dossier, _ = services.start_draft(version=version, applicant=citizen)
        dossier = services.set_receiving_agency(dossier=dossier, agency=tree["one_stop"])
        drafts.append((ready(dossier, citizen), citizen))
    barrier = threading.Barrier(len(drafts))
    results, errors = [], []

    def go(dossier, citizen):
        try:
            barrier.wait(timeout=20)
            results.append(services.submit(dossier=dossier, actor=citizen).code)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=pair) for pair in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert len(set(results)) == 32
    assert sorted(int(c[-4:]) for c in results) == list(range(1, 33))


def test_per_copy_fees_follow_the_number_entered(version, citizen):
    from motcua.catalog.models import Fee

    current = version
    Fee.objects.filter(version=current, channel="online").update(quantity_field="")  # plain rows count once
    assert services.online_fee(current) == 5000
    Fee.objects.filter(version=current, channel="online").update(quantity_field="so_ban")
    assert services.online_fee(current, answers={"so_ban": "3"}) == 15000
    assert services.online_fee(current, answers={"so_ban": "abc"}) == 0
    assert services.online_fee(current, answers={"so_ban": "-2"}) == 0


def test_a_retried_start_asks_the_register_once_and_says_when_it_cannot_help(version, citizen):
    from motcua.registers.models import RegisterLookup

    first, created, note = services.start_with_prefill(
        version=version, applicant=citizen, idempotency_key="k9"
    )
    again, created_again, _ = services.start_with_prefill(
        version=version, applicant=citizen, idempotency_key="k9"
    )
    assert created and not created_again and first.pk == again.pk
    assert RegisterLookup.objects.count() == 1
    assert note  # the citizen is not in this test's register: the form still works and says so
    assert first.prefilled_fields == []
