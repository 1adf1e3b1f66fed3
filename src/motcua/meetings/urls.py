from django.urls import path

from motcua.meetings import views

app_name = "meetings"
urlpatterns = [
    # Delegates (no account): the slip QR, the typed code, their pages.
    path("vao/<str:token>/", views.enter, name="enter"),
    path("ma/", views.code_entry, name="code"),
    path("ho-tro/", views.helper, name="helper"),
    # Organisers (officers with the meeting_organiser role).
    path("quan-ly/", views.organiser_index, name="organiser"),
    path("quan-ly/<str:code>/", views.manage, name="manage"),
    path("quan-ly/<str:code>/sua/", views.edit_meeting, name="edit"),
    path("quan-ly/<str:code>/chuong-trinh/", views.add_agenda_item, name="add_agenda_item"),
    path("quan-ly/<str:code>/chuong-trinh/<int:item_id>/ket-luan/", views.decision, name="decision"),
    path("quan-ly/<str:code>/dai-bieu/", views.add_delegate, name="add_delegate"),
    path("quan-ly/<str:code>/dai-bieu/<int:delegate_id>/thu-hoi/", views.revoke, name="revoke"),
    path(
        "quan-ly/<str:code>/dai-bieu/<int:delegate_id>/diem-danh/",
        views.staff_check_in,
        name="staff_check_in",
    ),
    path("quan-ly/<str:code>/diem-danh-ma/", views.code_check_in, name="code_check_in"),
    path("quan-ly/<str:code>/tai-lieu/", views.upload_document, name="upload"),
    path("quan-ly/<str:code>/tai-lieu/<int:document_id>/phien-ban/", views.add_version, name="add_version"),
    path("quan-ly/<str:code>/tai-lieu/<int:document_id>/nhac/", views.remind, name="remind"),
    path(
        "quan-ly/<str:code>/ban-goc/<int:document_id>/", views.organiser_document, name="organiser_document"
    ),
    path("quan-ly/<str:code>/moi-hop/", views.send_invitations, name="send_invitations"),
    path("quan-ly/<str:code>/phieu/", views.slips, name="slips"),
    path("quan-ly/<str:code>/ma-qr-chung/", views.meeting_qr, name="meeting_qr"),
    path("quan-ly/<str:code>/diem-danh.pdf", views.attendance_pdf, name="attendance_pdf"),
    path("quan-ly/<str:code>/bien-ban.pdf", views.record_pdf, name="record_pdf"),
    path("quan-ly/<str:code>/bieu-quyet/", views.add_poll, name="add_poll"),
    path("quan-ly/<str:code>/bieu-quyet/<int:poll_id>/", views.poll_status, name="poll_status"),
    path("quan-ly/<str:code>/tai-lieu-giay/", views.hand_out_paper, name="hand_out_paper"),
    path("quan-ly/<str:code>/tai-lieu-giay/<int:item_id>/", views.return_paper, name="return_paper"),
    path("quan-ly/<str:code>/thong-bao-ket-luan/", views.conclusion, name="conclusion"),
    # A delegate's pages, clean URLs (no token).
    path("<str:code>/", views.delegate_home, name="delegate"),
    path("<str:code>/diem-danh/", views.delegate_check_in, name="check_in"),
    path("<str:code>/bieu-quyet/<int:poll_id>/", views.delegate_vote, name="vote"),
    path("<str:code>/tai-lieu/<int:version_id>/", views.delegate_document, name="document"),
    path("<str:code>/roi-di/", views.delegate_leave, name="leave"),
    path("<str:code>/cong-khai/", views.public_documents, name="public"),
    path("<str:code>/cong-khai/<int:version_id>/", views.public_document, name="public_document"),
]
