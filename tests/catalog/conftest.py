import copy
import datetime as dt

import pytest

from motcua.org.models import AdministrativeUnit, Agency

BASE_PROCEDURE = {
    "code": "1.001193",
    "name": "Đăng ký khai sinh",
    "name_en": "Birth registration",
    "summary": "Đăng ký cho trẻ mới sinh để có Giấy khai sinh.",
    "sector": "ho-tich",
    "life_events": ["sinh-con"],
    "level": "commune",
    "agency_kinds": ["commune_pc"],
    "online_level": "full",
    "processing_time": "0",
    "processing_time_unit": "working_days",
    "cutoff_applies": True,
    "legal_basis": ["Luật Hộ tịch 2014"],
    "result_type": "Giấy khai sinh",
    "documents": [
        {"code": "giay-chung-sinh", "name": "Giấy chứng sinh", "originals": 1, "requirement": "required"},
    ],
    "fees": [{"name": "Lệ phí đăng ký khai sinh", "channel": "in_person", "amount": 0}],
    "steps": [
        {"code": "tiep-nhan", "name": "Tiếp nhận", "role": "desk_officer", "hours": "1"},
        {"code": "tham-dinh", "name": "Thẩm định", "role": "specialist", "hours": "4"},
    ],
    "form": {
        "steps": [
            {
                "title": "Thông tin trẻ",
                "fields": [
                    {"name": "child_name", "label": "Họ và tên trẻ", "type": "text", "required": True},
                    {
                        "name": "birth_paper",
                        "label": "Giấy chứng sinh",
                        "type": "document",
                        "document": "giay-chung-sinh",
                    },
                ],
            }
        ]
    },
}

LAND_PROCEDURE = {
    "code": "1.012345",
    "name": "Đăng ký biến động quyền sử dụng đất do chuyển nhượng",
    "summary": "Khi mua bán đất, sang tên Giấy chứng nhận.",
    "sector": "dat-dai",
    "level": "province",
    "agencies": ["000.00.07.H53"],
    "online_level": "partial",
    "processing_time": "10",
    "processing_time_unit": "working_days",
    "fees": [
        {"name": "Lệ phí cấp giấy chứng nhận", "channel": "in_person", "amount": 100000},
        {
            "name": "Lệ phí cấp giấy chứng nhận (trực tuyến)",
            "channel": "online",
            "amount": 50000,
            "valid_from": "2025-01-01",
            "valid_to": "2030-12-31",
        },
    ],
}


def make_catalog(*procedures):
    return {
        "schema_version": 1,
        "sectors": [
            {"code": "ho-tich", "name": "Hộ tịch", "name_en": "Civil status"},
            {"code": "dat-dai", "name": "Đất đai", "name_en": "Land"},
        ],
        "life_events": [{"code": "sinh-con", "name": "Sinh con", "name_en": "Having a baby"}],
        "procedures": [copy.deepcopy(p) for p in (procedures or (BASE_PROCEDURE, LAND_PROCEDURE))],
        "linked_groups": [],
    }


@pytest.fixture
def agencies(db):
    province = AdministrativeUnit.objects.create(
        code="80", name="Tây Ninh", level="province", valid_from=dt.date(2025, 7, 1)
    )
    root = Agency.objects.create(
        code="000.00.00.H53", name="UBND tỉnh Tây Ninh", kind="province_pc", unit=province
    )
    dept = Agency.objects.create(
        code="000.00.07.H53",
        name="Sở Nông nghiệp và Môi trường",
        kind="department",
        unit=province,
        parent=root,
    )
    return {"root": root, "dept": dept, "province": province}


@pytest.fixture
def catalog_data():
    return make_catalog()


@pytest.fixture
def imported(agencies, catalog_data):
    from motcua.catalog.exchange import import_catalog

    return import_catalog(catalog_data)
