"""Documents: secret refusal, audience, watermark, read audit, versions, reminders, expiry."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from motcua.core.models import AuditRecord
from motcua.meetings import selectors, services
from motcua.meetings.models import AccessEvent, Delegate, Document, DocumentVersion, Notice
from tests.dossiers.files import pdf_bytes, upload
from tests.meetings.conftest import make_document

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("level", ["mat", "toi_mat", "tuyet_mat"])
def test_secret_documents_are_refused_with_the_reason(item, organiser, level):
    with pytest.raises(services.MeetingError) as refused:
        make_document(item, organiser, classification=level)
    assert refused.value.reason == "secret"
    assert "mật" in refused.value.message.lower()
    assert Document.objects.count() == 0
    assert AuditRecord.objects.filter(action="meetings.secret_upload_refused").count() == 1


def test_a_file_that_is_not_a_pdf_is_refused_and_leaves_nothing(item, organiser, settings):
    from pathlib import Path

    with pytest.raises(services.MeetingError) as bad:
        services.upload_document(
            agenda_item=item,
            title="x",
            classification="internal",
            uploaded=upload("x.pdf", b"hello"),
            actor=organiser,
        )
    assert bad.value.reason == "not_pdf"
    root = Path(settings.MOTCUA_MEETINGS_ROOT)
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_files_are_kept_outside_the_public_media_folder(document, settings):
    from pathlib import Path

    version = document.versions.get()
    assert (Path(settings.MOTCUA_MEETINGS_ROOT) / version.file_name).exists()
    assert (
        not any(p.is_file() for p in Path(settings.MEDIA_ROOT).rglob("*"))
        if Path(settings.MEDIA_ROOT).exists()
        else True
    )


def test_each_page_is_watermarked_with_the_name_and_access_time(document, members):
    version = document.versions.get()
    data = services.open_version(delegate=members[0], version=version)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    for page in reader.pages:
        text = page.extract_text()
        assert "Nguyễn Văn An" in text
        assert document.agenda_item.meeting.code in text


def test_the_watermark_time_is_vietnam_time():
    from motcua.meetings import pdf

    line = pdf.watermark_line(name="A", meeting_code="HX", at=dt.datetime(2026, 11, 28, 2, 5, tzinfo=dt.UTC))
    assert "09:05 28/11/2026" in line


def test_opening_is_audited_with_the_version(document, members, helper_user):
    version = document.versions.get()
    services.open_version(delegate=members[0], version=version, assisted_by=helper_user)
    event = AccessEvent.objects.get(action=AccessEvent.Action.OPENED)
    assert (event.delegate, event.version, event.assisted_by) == (members[0], version, helper_user)


def test_a_restricted_document_is_refused_outside_its_audience(item, organiser, members, guest):
    document = make_document(item, organiser, classification="restricted", named=[members[0]])
    version = document.versions.get()
    assert services.open_version(delegate=members[0], version=version)
    with pytest.raises(services.MeetingError) as refused:
        services.open_version(delegate=members[1], version=version)
    assert refused.value.reason == "not_audience"
    assert AccessEvent.objects.filter(action="refused", delegate=members[1], version=version).count() == 1
    assert [r.document for r in selectors.delegate_documents(members[1])] == []


def test_a_group_document_reaches_only_that_group(item, organiser, members, guest):
    document = make_document(item, organiser, classification="internal", groups=[Delegate.Group.GUEST])
    assert [r.document for r in selectors.delegate_documents(guest)] == [document]
    assert selectors.delegate_documents(members[0]) == []


def test_a_restricted_document_needs_an_audience(item, organiser):
    with pytest.raises(services.MeetingError) as refused:
        make_document(item, organiser, classification="restricted")
    assert refused.value.reason == "no_audience"


def test_access_ends_at_the_recall(document, members, meeting):
    version = document.versions.get()
    with pytest.raises(services.MeetingError) as expired:
        services.open_version(delegate=members[0], version=version, now=meeting.access_expires_at)
    assert expired.value.reason == "expired"
    assert not AccessEvent.objects.filter(action="opened").exists()


def test_a_revoked_delegate_cannot_open(document, members, organiser):
    services.revoke_delegate(delegate=members[0], actor=organiser)
    with pytest.raises(services.MeetingError):
        services.open_version(delegate=members[0], version=document.versions.get())


def test_a_new_version_tells_earlier_readers_it_changed(document, members, organiser):
    services.open_version(delegate=members[0], version=document.versions.get())
    services.add_version(
        document=document, uploaded=upload("v2.pdf", pdf_bytes(3)), actor=organiser, note="Sửa số liệu"
    )
    notices = Notice.objects.all()
    assert [n.delegate for n in notices] == [members[0]]
    assert "phiên bản 2" in notices[0].text or "version 2" in notices[0].text
    rows = {r.document.pk: r for r in selectors.delegate_documents(members[0])}
    assert rows[document.pk].changed_since_read
    assert not selectors.delegate_documents(members[1])[0].changed_since_read
    assert DocumentVersion.objects.filter(document=document).count() == 2


def test_read_stats_count_the_current_version_and_remind_only_the_unread(document, members, guest, organiser):
    services.open_version(delegate=members[0], version=document.versions.get())
    stat = selectors.read_stats(document.agenda_item.meeting)[0]
    assert (stat.opened, stat.audience, stat.version_number) == (1, 4, 1)
    assert services.remind_unread(document=document, actor=organiser) == 3
    assert not Notice.objects.filter(delegate=members[0]).exists()
    assert Notice.objects.filter(delegate=members[1]).exists()


def test_read_stats_query_count_does_not_grow_with_documents(
    item, organiser, members, django_assert_max_num_queries
):
    for n in range(6):
        make_document(item, organiser, title=f"Tài liệu {n}", pages=1)
    with django_assert_max_num_queries(4):
        selectors.read_stats(item.meeting)
    with django_assert_max_num_queries(5):
        selectors.delegate_documents(members[0])


def test_public_documents_open_through_the_meeting_qr_only(item, organiser, members, meeting):
    public = make_document(item, organiser, classification="public", title="Chương trình kỳ họp", pages=1)
    internal = make_document(item, organiser, classification="internal", pages=1)
    assert services.open_public_version(meeting=meeting, version=public.versions.get())
    with pytest.raises(services.MeetingError) as refused:
        services.open_public_version(meeting=meeting, version=internal.versions.get())
    assert refused.value.reason == "not_public"
    assert [d for d, _v in selectors.public_documents(meeting)] == [public]


def test_paper_secret_items_are_handed_out_and_returned(meeting, organiser, members):
    item = services.add_agenda_item(
        meeting=meeting, title="Nội dung mật", actor=organiser, has_paper_secret_documents=True
    )
    paper = services.hand_out_paper(
        agenda_item=item, delegate=members[0], description="Tài liệu số 12-M", actor=organiser
    )
    services.return_paper(item=paper, actor=organiser)
    paper.refresh_from_db()
    assert paper.returned_at is not None and paper.returned_to == organiser


def _stamped_pdf(first_line: str) -> bytes:
    from motcua.meetings import pdf

    return pdf.render_html(
        f'<!doctype html><html><body style="font-family: DejaVu Sans"><p>{first_line}</p><p>Báo cáo về công tác bảo vệ bí mật nhà nước.</p></body></html>'
    )


@pytest.mark.parametrize("mark", ["MẬT", "TỐI MẬT", "TUYỆT MẬT"])
def test_a_pdf_stamped_secret_is_refused_whatever_the_chosen_classification(item, organiser, mark):
    with pytest.raises(services.MeetingError) as refused:
        services.upload_document(
            agenda_item=item,
            title="Báo cáo",
            classification="internal",
            uploaded=upload("b.pdf", _stamped_pdf(mark)),
            actor=organiser,
        )
    assert refused.value.reason == "secret" and mark in refused.value.message
    assert not Document.objects.exists()
    assert AuditRecord.objects.filter(action="meetings.secret_upload_refused", changes__mark=mark).exists()


def test_a_pdf_that_only_talks_about_secrets_is_accepted(item, organiser):
    document = services.upload_document(
        agenda_item=item,
        title="Báo cáo",
        classification="internal",
        uploaded=upload("b.pdf", _stamped_pdf("BÁO CÁO CÔNG TÁC BẢO MẬT")),
        actor=organiser,
    )
    assert document.current_version == 1


def test_an_assisted_opening_names_the_helper_on_every_page(document, members, helper_user):
    data = services.open_version(
        delegate=members[0], version=document.versions.get(), assisted_by=helper_user
    )
    for page in PdfReader(io.BytesIO(data)).pages:
        assert f"hỗ trợ: {helper_user}" in page.extract_text()
