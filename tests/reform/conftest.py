"""Fixtures for the workbench: a small agency tree, one published procedure, the people."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from motcua.accounts.models import OfficerRole
from motcua.org.models import AdministrativeUnit, Agency
from tests.catalog.conftest import BASE_PROCEDURE, make_catalog
from tests.factories import OfficerRoleFactory

Role = OfficerRole.Role

MARRIAGE = copy.deepcopy(BASE_PROCEDURE)
MARRIAGE.update(
    {
        "code": "1.004873",
        "name": "Cấp Giấy xác nhận tình trạng hôn nhân",
        "processing_time": "3",
        "online_level": "partial",
        "documents": [
            {"code": "to-khai", "name": "Tờ khai", "originals": 1, "requirement": "required"},
            {"code": "cccd", "name": "Bản sao căn cước", "copies": 1, "requirement": "required"},
            {
                "code": "giay-ly-hon",
                "name": "Bản sao chứng thực quyết định ly hôn",
                "copies": 1,
                "requirement": "conditional",
                "condition": "đã ly hôn",
            },
        ],
        "fees": [{"name": "Lệ phí", "channel": "in_person", "amount": 10000}],
        "form": {
            "steps": [
                {
                    "title": "Giấy tờ",
                    "fields": [
                        {"name": "cccd_file", "label": "Căn cước", "type": "document", "document": "cccd"},
                    ],
                }
            ]
        },
    }
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def tree(db):
    province = AdministrativeUnit.objects.create(
        code="80", name="Tây Ninh", level="province", valid_from=dt.date(2025, 7, 1)
    )
    root = Agency.objects.create(
        code="000.00.00.H53", name="UBND tỉnh Tây Ninh", kind="province_pc", unit=province
    )
    justice = Agency.objects.create(
        code="000.00.04.H53", name="Sở Tư pháp", kind="department", unit=province, parent=root
    )
    land = Agency.objects.create(
        code="000.00.07.H53",
        name="Sở Nông nghiệp và Môi trường",
        kind="department",
        unit=province,
        parent=root,
    )
    commune = Agency.objects.create(
        code="000.08.40.H53", name="UBND xã Tân Đông", kind="commune_pc", unit=province, parent=root
    )
    return {"root": root, "justice": justice, "land": land, "commune": commune}


@pytest.fixture
def procedure(tree):
    from motcua.catalog.exchange import import_catalog
    from motcua.catalog.models import Procedure

    import_catalog(make_catalog(MARRIAGE))
    return Procedure.objects.get(code="1.004873")


@pytest.fixture
def people(tree):
    def officer(role, agency):
        return OfficerRoleFactory(role=role, agency=agency).user

    return {
        "reform": officer(Role.REFORM_OFFICER, tree["root"]),
        "dept": officer(Role.SPECIALIST, tree["justice"]),
        "other_dept": officer(Role.SPECIALIST, tree["land"]),
        "community": officer(Role.COMMUNITY_HELPER, tree["commune"]),
    }


@pytest.fixture
def hourly(people):
    from motcua.reform import services

    return services.set_hourly_value(
        year=2025,
        value_vnd=40000,
        source="Tổng cục Thống kê, thu nhập bình quân 2025 (giả định)",
        source_date=dt.date(2025, 12, 31),
        actor=people["reform"],
    )


@pytest.fixture
def plan(people, tree):
    from motcua.reform import services

    return services.create_plan(
        year=2026, title="Kế hoạch rà soát 2026", owner=tree["root"], actor=people["reform"]
    )


@pytest.fixture
def dept_assignment(plan, procedure, tree, people):
    from motcua.reform import services

    return services.assign(
        plan=plan,
        procedure_code=procedure.code,
        agency=tree["justice"],
        team="department",
        due_date=dt.date(2026, 6, 30),
        actor=people["reform"],
    )


@pytest.fixture
def team_assignment(plan, procedure, tree, people):
    from motcua.reform import services

    return services.assign(
        plan=plan,
        procedure_code=procedure.code,
        agency=tree["commune"],
        team="community",
        due_date=dt.date(2026, 5, 31),
        actor=people["reform"],
    )


@pytest.fixture
def assessment(dept_assignment, people):
    from motcua.reform import services

    return services.start_assessment(assignment=dept_assignment, actor=people["dept"])
