"""Fixtures for dossiers: a small published procedure with a form, an agency tree, citizens."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from tests.catalog.conftest import BASE_PROCEDURE, make_catalog

FORM_PROCEDURE = copy.deepcopy(BASE_PROCEDURE)
FORM_PROCEDURE["min_assurance_level"] = 1
FORM_PROCEDURE["fees"] = [
    {"name": "Lệ phí", "channel": "in_person", "amount": 10000},
    {"name": "Lệ phí (trực tuyến)", "channel": "online", "amount": 5000},
]
FORM_PROCEDURE["form"] = {
    "steps": [
        {
            "title": "Người yêu cầu",
            "fields": [
                {
                    "name": "ho_ten",
                    "label": "Họ và tên",
                    "type": "text",
                    "required": True,
                    "prefill": "full_name",
                },
                {
                    "name": "ngay_sinh",
                    "label": "Ngày sinh",
                    "type": "date",
                    "required": True,
                    "prefill": "birth_date",
                },
            ],
        },
        {
            "title": "Thông tin trẻ",
            "fields": [
                {"name": "ten_tre", "label": "Họ và tên trẻ", "type": "text", "required": True},
                {
                    "name": "giay_chung_sinh",
                    "label": "Giấy chứng sinh",
                    "type": "document",
                    "document": "giay-chung-sinh",
                    "required": True,
                },
            ],
        },
    ]
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded files go to a temporary folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


@pytest.fixture
def tree(db):
    """A province, a commune with its People's Committee, one-stop centre and police."""
    from motcua.org.models import AdministrativeUnit, Agency

    province = AdministrativeUnit.objects.create(
        code="80", name="Tỉnh Tây Ninh", level="province", valid_from=dt.date(2025, 7, 1)
    )
    commune = AdministrativeUnit.objects.create(
        code="27730", name="Xã Tân Đông", level="commune", parent=province, valid_from=dt.date(2025, 7, 1)
    )
    root = Agency.objects.create(
        code="000.00.00.H53", name="UBND tỉnh Tây Ninh", kind="province_pc", unit=province
    )
    centre = Agency.objects.create(
        code="000.00.30.H53",
        name="Trung tâm Phục vụ hành chính công tỉnh",
        kind="service_centre",
        unit=province,
        parent=root,
    )
    dept = Agency.objects.create(
        code="000.00.07.H53",
        name="Sở Nông nghiệp và Môi trường",
        kind="department",
        unit=province,
        parent=root,
    )
    commune_pc = Agency.objects.create(
        code="000.08.40.H53", name="UBND xã Tân Đông", kind="commune_pc", unit=commune, parent=root
    )
    one_stop = Agency.objects.create(
        code="001.08.40.H53",
        name="Trung tâm Phục vụ hành chính công xã Tân Đông",
        kind="commune_one_stop",
        unit=commune,
        parent=commune_pc,
    )
    return {
        "province": province,
        "commune": commune,
        "root": root,
        "centre": centre,
        "dept": dept,
        "commune_pc": commune_pc,
        "one_stop": one_stop,
    }


@pytest.fixture
def version(tree):
    from motcua.catalog.exchange import import_catalog
    from motcua.catalog.models import ProcedureVersion

    import_catalog(make_catalog(FORM_PROCEDURE))
    return ProcedureVersion.objects.get(procedure__code=FORM_PROCEDURE["code"], is_current=True)


@pytest.fixture
def citizen(db):
    from tests.factories import CitizenFactory

    return CitizenFactory(
        personal_id="080195000002",
        full_name="Trần Thị Bình",
        assurance_level=2,
        email="binh@example.vn",
        phone="0912345678",
    )


@pytest.fixture
def other_citizen(db):
    from tests.factories import CitizenFactory

    return CitizenFactory(personal_id="072090000001", full_name="Nguyễn Văn An")


@pytest.fixture
def draft(version, citizen, tree):
    from motcua.dossiers import services

    dossier, _ = services.start_draft(version=version, applicant=citizen)
    return services.set_receiving_agency(dossier=dossier, agency=tree["one_stop"])
