"""Demo data for the meetings app, loaded by `motcua demo` (idempotent).

A meeting organiser ``hop.tinh`` (People's Committee of the province, ``000.00.00.H53``), a
youth-union helper ``doanvien.tinh``, and one upcoming People's Council session with an agenda,
delegates (members, a substitute, a guest, the press), a public and an internal PDF document.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from motcua.accounts.models import OfficerRole, User
from motcua.core.calendar import OFFICE_TZ, get_calendar
from motcua.meetings import pdf, services
from motcua.meetings.models import Delegate, Document, Meeting
from motcua.org.models import Agency

DEMO_PASSWORD = "demo12345"
DEMO_MEETING_CODE = "HDNDDEMO"
ORGANISER = ("hop.tinh", "Võ Thị Hạnh", OfficerRole.Role.MEETING_ORGANISER)
HELPER = ("doanvien.tinh", "Lý Minh Tuấn", OfficerRole.Role.COMMUNITY_HELPER)
MEMBERS = [
    ("Nguyễn Văn Hùng", "Chủ tịch HĐND tỉnh"),
    ("Trần Thị Mai", "Phó Chủ tịch HĐND tỉnh"),
    ("Lê Hoàng Phúc", "Trưởng Ban Kinh tế - Ngân sách"),
    ("Phạm Thị Thu", "Trưởng Ban Văn hóa - Xã hội"),
    ("Huỳnh Văn Sáu", "Đại biểu HĐND tỉnh, 72 tuổi"),
    ("Đặng Thị Lan", "Đại biểu HĐND tỉnh"),
    ("Bùi Quốc Việt", "Đại biểu HĐND tỉnh"),
]


def _officer(username: str, full_name: str, role: str, agency: Agency) -> User:
    from motcua.accounts import services as accounts

    user = User.objects.filter(username=username).first()
    if user is None:
        return accounts.create_officer(
            username=username,
            password=DEMO_PASSWORD,
            full_name=full_name,
            agency=agency,
            roles=[role],
            email=f"{username}@tayninh.example.org",
            check_password_strength=False,
        )
    accounts.grant_role(user=user, agency=agency, role=role)
    return user


def _demo_totp(users: list[User]) -> None:
    """The same demo TOTP device the other demo officers get (accounts.demo_otp)."""
    from motcua.accounts.demo_otp import ensure_demo_totp

    ensure_demo_totp(usernames=[user.username for user in users])


def _pdf(title: str, paragraphs: list[str]) -> SimpleUploadedFile:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>@page{size:A4;margin:20mm}'
        'body{font-family:"DejaVu Serif",serif;font-size:12pt;line-height:1.5}h1{font-size:15pt;text-align:center}'
        ".br{display:block;page-break-before:always}</style></head><body>"
        f"<p><strong>HỘI ĐỒNG NHÂN DÂN TỈNH TÂY NINH</strong></p><h1>{title}</h1>{body}</body></html>"
    )
    return SimpleUploadedFile(f"{title[:30]}.pdf", pdf.render_html(html), content_type="application/pdf")


def _start() -> dt.datetime:
    """08:00 on the working day five working days from today (invitations can still be on time)."""
    cal = get_calendar()
    day = timezone.now().astimezone(OFFICE_TZ).date()
    for _ in range(5):
        day = cal.next_working_day(day)
    return dt.datetime.combine(day, dt.time(8, 0), tzinfo=OFFICE_TZ)


def build_demo() -> list[tuple[str, str, str]]:
    """Create this app's demo data; return demo logins as (username, password, description)."""
    agency = Agency.objects.filter(code="000.00.00.H53").first()
    if agency is None:
        return []
    organiser = _officer(*ORGANISER, agency)
    helper = _officer(*HELPER, agency)
    _demo_totp([organiser, helper])
    logins = [
        (
            organiser.username,
            DEMO_PASSWORD,
            "meeting organiser, /hop/quan-ly/ (People's Committee of the province)",
        ),
        (helper.username, DEMO_PASSWORD, "youth-union helper: helper mode at /hop/ho-tro/"),
    ]
    meeting = Meeting.objects.filter(code=DEMO_MEETING_CODE).first()
    if meeting is None:
        with transaction.atomic():
            meeting = _build_meeting(organiser, agency)
    first = meeting.delegates.order_by("pk").first()
    _token, code = services.issue_slip(delegate=first, actor=organiser)
    logins.append(
        (
            f"({first.full_name})",
            code,
            "meeting delegate: type this access code at /hop/ma/ (reissued on each demo run)",
        )
    )
    return logins


def _build_meeting(organiser: User, agency: Agency) -> Meeting:
    starts = _start()
    meeting = services.create_meeting(
        organiser=organiser,
        agency=agency,
        title="Kỳ họp thứ 5 (chuyên đề) Hội đồng nhân dân tỉnh Tây Ninh khóa X",
        body=Meeting.Body.PEOPLES_COUNCIL,
        place="Hội trường Trung tâm Hội nghị tỉnh, phường Long An",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=8, minutes=30),
    )
    Meeting.objects.filter(pk=meeting.pk).update(code=DEMO_MEETING_CODE)
    meeting.refresh_from_db()
    members = [
        services.add_delegate(meeting=meeting, full_name=name, position=position, actor=organiser)
        for name, position in MEMBERS
    ]
    services.add_delegate(
        meeting=meeting,
        full_name="Ngô Thanh Bình",
        position="Phó Trưởng Ban Kinh tế - Ngân sách (dự thay)",
        substitute_for=members[2],
        actor=organiser,
    )
    services.add_delegate(
        meeting=meeting,
        full_name="Đại diện Sở Tài chính",
        position="Khách mời",
        group=Delegate.Group.GUEST,
        actor=organiser,
    )
    services.add_delegate(
        meeting=meeting, full_name="Phóng viên Báo Tây Ninh", group=Delegate.Group.PRESS, actor=organiser
    )
    opening = services.add_agenda_item(meeting=meeting, title="Khai mạc kỳ họp", actor=organiser)
    budget = services.add_agenda_item(
        meeting=meeting, title="Nghị quyết điều chỉnh kế hoạch đầu tư công năm 2026", actor=organiser
    )
    services.add_agenda_item(meeting=meeting, title="Bế mạc kỳ họp", actor=organiser)
    services.upload_document(
        agenda_item=opening,
        title="Chương trình kỳ họp",
        classification=Document.Classification.PUBLIC,
        uploaded=_pdf(
            "CHƯƠNG TRÌNH KỲ HỌP",
            ["08:00 Khai mạc kỳ họp.", "08:30 Thảo luận, biểu quyết Nghị quyết.", "16:00 Bế mạc kỳ họp."],
        ),
        actor=organiser,
    )
    services.upload_document(
        agenda_item=budget,
        title="Tờ trình và dự thảo Nghị quyết điều chỉnh kế hoạch đầu tư công",
        classification=Document.Classification.INTERNAL,
        uploaded=_pdf(
            "TỜ TRÌNH (DỰ THẢO)",
            [
                "Về việc điều chỉnh kế hoạch đầu tư công năm 2026 nguồn vốn ngân sách địa phương.",
                "Tài liệu phục vụ kỳ họp — lưu hành nội bộ.",
                '<span class="br"></span>Dự thảo Nghị quyết kèm theo.',
            ],
        ),
        actor=organiser,
    )
    services.create_poll(
        agenda_item=budget,
        question="Thông qua Nghị quyết điều chỉnh kế hoạch đầu tư công năm 2026",
        secret=False,
        actor=organiser,
    )
    return meeting
