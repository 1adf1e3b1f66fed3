"""Fixtures for meetings: an organiser, a helper, a meeting under way soon, delegates and PDFs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from motcua.accounts.models import OfficerRole
from motcua.meetings import services
from motcua.meetings.models import Delegate, Document
from tests.dossiers.files import pdf_bytes, upload
from tests.factories import AgencyFactory, OfficerRoleFactory


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.MOTCUA_MEETINGS_ROOT = str(tmp_path / "meetings")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_OFFICER_OTP_REQUIRED = False  # the TOTP step is tested in tests/accounts
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def agency(db):
    return AgencyFactory()


@pytest.fixture
def organiser(agency):
    return OfficerRoleFactory(agency=agency, role=OfficerRole.Role.MEETING_ORGANISER).user


@pytest.fixture
def helper_user(agency):
    return OfficerRoleFactory(agency=agency, role=OfficerRole.Role.COMMUNITY_HELPER).user


@pytest.fixture
def meeting(organiser, agency):
    """A People's Council meeting starting in an hour (check-in is open)."""
    now = timezone.now()
    return services.create_meeting(
        organiser=organiser,
        agency=agency,
        title="Kỳ họp thứ 5 HĐND tỉnh",
        body="peoples_council",
        place="Hội trường UBND tỉnh",
        starts_at=now + dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=5),
        access_hours_after_end=2,
    )


@pytest.fixture
def item(meeting, organiser):
    return services.add_agenda_item(
        meeting=meeting, title="Nghị quyết về kế hoạch đầu tư công", actor=organiser
    )


@pytest.fixture
def members(meeting, organiser):
    return [
        services.add_delegate(meeting=meeting, full_name=name, actor=organiser)
        for name in ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
    ]


@pytest.fixture
def guest(meeting, organiser):
    return services.add_delegate(
        meeting=meeting, full_name="Phạm Khách Mời", group=Delegate.Group.GUEST, actor=organiser
    )


def make_document(item, organiser, *, classification=Document.Classification.INTERNAL, pages=2, **kwargs):
    return services.upload_document(
        agenda_item=item,
        title=kwargs.pop("title", "Tờ trình"),
        classification=classification,
        uploaded=upload("to-trinh.pdf", pdf_bytes(pages)),
        actor=organiser,
        **kwargs,
    )


@pytest.fixture
def document(item, organiser, members, guest):
    return make_document(item, organiser)
