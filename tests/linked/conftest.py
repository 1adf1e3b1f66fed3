"""Fixtures for linked procedures: the real Decree 63 groups from the demo catalog, the agencies
of one commune (People's Committee, one-stop centre, police) and the province's social insurance,
officers of each, and a level-2 parent."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.dossiers import conftest as dossier_fixtures
from tests.dossiers.files import image_bytes, upload

_media = dossier_fixtures._media
citizen = dossier_fixtures.citizen
other_citizen = dossier_fixtures.other_citizen

DEMO_CATALOG = (
    Path(__file__).resolve().parents[2] / "src" / "motcua" / "catalog" / "data" / "demo_catalog.json"
)
GROUP_PROCEDURES = (
    "2.000986",
    "1.001193",
    "1.004222",
    "1.001939",
    "2.002913",
    "1.000656",
    "1.003197",
    "1.014177",
    "1.001731",
    "2.000821",
)


def linked_catalog() -> dict:
    """The demo catalog cut down to the two groups and their procedures."""
    data = json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))
    procedures = [p for p in data["procedures"] if p["code"] in GROUP_PROCEDURES]
    sectors = {p["sector"] for p in procedures}
    events = {e for p in procedures for e in p.get("life_events", [])} | {
        g["life_event"] for g in data["linked_groups"]
    }
    return {
        "schema_version": 1,
        "sectors": [s for s in data["sectors"] if s["code"] in sectors],
        "life_events": [e for e in data["life_events"] if e["code"] in events],
        "procedures": procedures,
        "linked_groups": data["linked_groups"],
    }


@pytest.fixture(scope="session", autouse=True)
def signing_dir(tmp_path_factory):
    from motcua.results import ca

    folder = tmp_path_factory.mktemp("signing")
    saved = {k: os.environ.pop(k, None) for k in ("MOTCUA_SIGNING_PKCS12", "MOTCUA_SIGNING_DIR")}
    os.environ["MOTCUA_SIGNING_DIR"] = str(folder)
    ca.ensure_demo_ca()
    yield folder
    os.environ.pop("MOTCUA_SIGNING_DIR", None)
    for key, value in saved.items():
        if value is not None:
            os.environ[key] = value


@pytest.fixture
def tree(db):
    """One commune (People's Committee, one-stop centre, police) and the province's social insurance."""
    import datetime as dt

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
    tree = {
        "province": province,
        "commune": commune,
        "root": root,
        "commune_pc": commune_pc,
        "one_stop": one_stop,
    }
    tree["police"] = Agency.objects.create(
        code="002.08.40.H53",
        name="Công an xã Tân Đông",
        kind="commune_police",
        unit=tree["commune"],
        parent=tree["commune_pc"],
    )
    tree["bhxh"] = Agency.objects.create(
        code="000.00.21.H53",
        name="Bảo hiểm xã hội tỉnh Tây Ninh",
        kind="social_insurance",
        unit=tree["province"],
        parent=tree["root"],
    )
    return tree


@pytest.fixture
def catalog(tree):
    from motcua.catalog.exchange import import_catalog

    import_catalog(linked_catalog())


@pytest.fixture
def officers(tree):
    """Desk, specialist and leader for each agency that acts in a group."""
    from tests.factories import OfficerRoleFactory

    def trio(desk_at, work_at):
        return {
            "desk": OfficerRoleFactory(agency=desk_at, role="desk_officer").user,
            "specialist": OfficerRoleFactory(agency=work_at, role="specialist").user,
            "leader": OfficerRoleFactory(agency=work_at, role="leader").user,
        }

    return {
        "1.001193": trio(tree["one_stop"], tree["commune_pc"]),
        "1.000656": trio(tree["one_stop"], tree["commune_pc"]),
        "1.001731": trio(tree["one_stop"], tree["commune_pc"]),
        "1.004222": trio(tree["police"], tree["police"]),
        "1.003197": trio(tree["police"], tree["police"]),
        "1.001939": trio(tree["bhxh"], tree["bhxh"]),
        "1.014177": trio(tree["bhxh"], tree["bhxh"]),
        "2.000821": trio(tree["bhxh"], tree["bhxh"]),
    }


BIRTH_ANSWERS = {
    "nguoi_yeu_cau_ho_ten": "Trần Thị Bình",
    "nguoi_yeu_cau_so_dinh_danh": "080195000002",
    "nguoi_yeu_cau_ngay_sinh": "1995-03-12",
    "nguoi_yeu_cau_noi_cu_tru": {"province": "80", "commune": "27730", "detail": "Ấp Thạnh Hiệp"},
    "nguoi_yeu_cau_dien_thoai": "0912345678",
    "quan_he_voi_tre": "me",
    "tre_ho_ten": "Nguyễn Bảo Ngọc",
    "tre_gioi_tinh": "nu",
    "tre_ngay_sinh": "2026-11-20",
    "tre_noi_sinh": "Trung tâm Y tế khu vực Tân Châu",
    "tre_dan_toc": "Kinh",
    "tre_que_quan": "Tây Ninh",
    "cha_me_con_lai_ho_ten": "Nguyễn Văn Hùng",
    "cha_me_da_ket_hon": "co",
    "dia_chi_thuong_tru": {"province": "80", "commune": "27730", "detail": "Ấp Thạnh Hiệp"},
    "chu_ho_ho_ten": "Nguyễn Văn Hùng",
    "tre_quan_he_chu_ho": "con",
    "noi_kcb_ban_dau": "Trạm y tế xã Tân Đông",
    "cach_nhan_the": "dien_tu",
}

DEATH_ANSWERS = {
    "nguoi_yeu_cau_ho_ten": "Trần Thị Bình",
    "nguoi_yeu_cau_so_dinh_danh": "080195000002",
    "nguoi_yeu_cau_ngay_sinh": "1995-03-12",
    "nguoi_yeu_cau_noi_cu_tru": {"province": "80", "commune": "27730", "detail": "Ấp Thạnh Hiệp"},
    "nguoi_yeu_cau_dien_thoai": "0912345678",
    "quan_he_nguoi_mat": "con",
    "nguoi_mat_ho_ten": "Trần Văn Tư",
    "nguoi_mat_so_dinh_danh": "072050000123",
    "ngay_mat": "2026-11-25",
    "noi_mat": "Tại nhà",
    "nguyen_nhan": "Tuổi già",
}


def file_application(*, procedure_code, answers, citizen, tree, documents=("giay-chung-sinh",)):
    """A submitted linked application (the service path the web wizard and the API both use)."""
    from motcua.catalog.models import ProcedureVersion
    from motcua.dossiers import services

    version = ProcedureVersion.objects.get(procedure__code=procedure_code, is_current=True)
    dossier, _ = services.start_draft(version=version, applicant=citizen)
    dossier = services.set_receiving_agency(dossier=dossier, agency=tree["one_stop"])
    services.save_answers(dossier=dossier, answers=answers)
    for code in documents:
        services.add_attachment(
            dossier=dossier, document_code=code, uploaded=upload(f"{code}.png", image_bytes()), actor=citizen
        )
    return services.submit(dossier=dossier, actor=citizen)


def process_to_result(dossier, team):
    """Reception, appraisal, approval and the signed result, by the agency's own officers."""
    from motcua.dossiers import backoffice

    dossier = backoffice.receive(dossier=dossier, actor=team["desk"])
    dossier = backoffice.forward(dossier=dossier, actor=team["desk"], to_user=team["specialist"])
    dossier = backoffice.forward(dossier=dossier, actor=team["specialist"], to_user=team["leader"])
    dossier = backoffice.approve(dossier=dossier, actor=team["leader"])
    return backoffice.issue_result(dossier=dossier, actor=team["leader"])


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits (tracking by code) live in the cache: each test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
