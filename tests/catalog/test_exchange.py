"""Catalog import/export: validate everything first, import all or nothing, idempotent."""

import copy
import json

import pytest
from django.core.exceptions import ValidationError

from motcua.catalog.exchange import CatalogImportError, export_catalog, import_catalog
from motcua.catalog.models import Fee, Procedure, ProcedureVersion
from motcua.core.models import AuditRecord
from tests.catalog.conftest import BASE_PROCEDURE, LAND_PROCEDURE, make_catalog

pytestmark = pytest.mark.django_db


def problems_of(data):
    with pytest.raises(CatalogImportError) as info:
        import_catalog(data)
    return {p.path: p.message for p in info.value.problems}


def test_import_creates_published_current_versions(imported):
    assert imported.created["procedures"] == 2
    version = ProcedureVersion.objects.get(procedure__code="1.001193")
    assert version.status == "published"
    assert version.is_current
    assert version.number == 1
    assert version.documents.count() == 1
    assert version.steps.count() == 2
    assert version.name_folded == "dang ky khai sinh"


def test_reimporting_the_same_file_changes_nothing(imported, catalog_data):
    audit_before = AuditRecord.objects.count()
    versions_before = ProcedureVersion.objects.count()
    report = import_catalog(catalog_data)
    assert not report.changed
    assert report.unchanged["procedures"] == 2
    assert ProcedureVersion.objects.count() == versions_before
    assert AuditRecord.objects.count() == audit_before


def test_changed_procedure_gets_a_new_version_and_the_old_one_is_retired(imported, catalog_data):
    catalog_data["procedures"][0]["processing_time"] = "1"
    report = import_catalog(catalog_data)
    assert report.updated["procedures"] == 1
    versions = list(ProcedureVersion.objects.filter(procedure__code="1.001193").order_by("number"))
    assert [(v.number, v.status, v.is_current) for v in versions] == [
        (1, "retired", False),
        (2, "published", True),
    ]
    assert versions[0].processing_time == 0  # the old version keeps what it said


def test_import_as_draft_leaves_the_current_version_in_place(imported, catalog_data):
    catalog_data["procedures"][0]["name"] = "Đăng ký khai sinh (sửa)"
    import_catalog(catalog_data, publish=False)
    current = ProcedureVersion.objects.get(procedure__code="1.001193", is_current=True)
    draft = ProcedureVersion.objects.get(procedure__code="1.001193", status="draft")
    assert current.name == "Đăng ký khai sinh"
    assert draft.name == "Đăng ký khai sinh (sửa)"
    # importing the same draft again is a no-op
    assert not import_catalog(catalog_data, publish=False).changed


def test_published_version_cannot_be_changed(imported):
    version = ProcedureVersion.objects.get(procedure__code="1.001193")
    version.name = "Đổi tên"
    with pytest.raises(ValidationError):
        version.save()
    fee = Fee.objects.filter(version=version).first()
    fee.amount = 1
    with pytest.raises(ValidationError):
        fee.save()


def test_export_round_trips_the_import(imported, catalog_data):
    exported = export_catalog()
    again = import_catalog(json.dumps(exported))
    assert not again.changed
    assert [p["code"] for p in exported["procedures"]] == ["1.001193", "1.012345"]


def test_malformed_json_is_refused_with_a_message(agencies):
    problems = problems_of(b"{not json")
    assert list(problems) == [""]
    assert "not valid JSON" in problems[""]


def test_a_file_that_is_not_an_object_is_refused(agencies):
    assert "JSON object" in problems_of("[1, 2]")[""]


def test_unknown_agency_is_reported_with_its_path(agencies):
    proc = copy.deepcopy(LAND_PROCEDURE)
    proc["agencies"] = ["000.00.99.H53"]
    problems = problems_of(make_catalog(BASE_PROCEDURE, proc))
    assert problems == {"procedures[1].agencies[0]": "unknown agency 000.00.99.H53"}


def test_unknown_sector_is_reported(agencies):
    proc = copy.deepcopy(BASE_PROCEDURE)
    proc["sector"] = "khong-co"
    assert problems_of(make_catalog(proc)) == {"procedures[0].sector": "unknown sector khong-co"}


def test_unknown_life_event_is_reported(agencies):
    proc = copy.deepcopy(BASE_PROCEDURE)
    proc["life_events"] = ["khong-co"]
    assert "procedures[0].life_events[0]" in problems_of(make_catalog(proc))


def test_duplicate_procedure_code_is_reported(agencies):
    problems = problems_of(make_catalog(BASE_PROCEDURE, BASE_PROCEDURE))
    assert "procedures[1].code" in problems
    assert "duplicate code 1.001193" in problems["procedures[1].code"]


def test_negative_time_is_reported(agencies):
    proc = copy.deepcopy(BASE_PROCEDURE)
    proc["processing_time"] = "-1"
    assert "cannot be negative" in problems_of(make_catalog(proc))["procedures[0].processing_time"]


def test_negative_step_hours_are_reported(agencies):
    proc = copy.deepcopy(BASE_PROCEDURE)
    proc["steps"][0]["hours"] = "-2"
    assert "procedures[0].steps[0].hours" in problems_of(make_catalog(proc))


def test_bad_national_code_is_reported(agencies):
    proc = copy.deepcopy(BASE_PROCEDURE)
    proc["code"] = "ABC"
    assert "d.dddddd" in problems_of(make_catalog(proc))["procedures[0].code"]


def test_unknown_key_is_reported(agencies):
    proc = copy.deepcopy(BASE_PROCEDURE)
    proc["colour"] = "red"
    assert "procedures[0].colour" in problems_of(make_catalog(proc))


def test_conditional_document_needs_a_condition(agencies):
    proc = copy.deepcopy(BASE_PROCEDURE)
    proc["documents"][0]["requirement"] = "conditional"
    assert "condition" in problems_of(make_catalog(proc))["procedures[0].documents[0]"]


def test_form_field_must_name_a_known_document(agencies):
    proc = copy.deepcopy(BASE_PROCEDURE)
    proc["form"]["steps"][0]["fields"][1]["document"] = "khong-co"
    assert "unknown document" in problems_of(make_catalog(proc))["procedures[0]"]


def test_fee_validity_dates_must_be_in_order(agencies):
    proc = copy.deepcopy(LAND_PROCEDURE)
    proc["fees"][1]["valid_to"] = "2020-01-01"
    assert "valid_to" in problems_of(make_catalog(proc))["procedures[0].fees[1]"]


def test_every_problem_is_reported_at_once(agencies):
    bad_sector = copy.deepcopy(BASE_PROCEDURE)
    bad_sector["sector"] = "x-y"
    bad_agency = copy.deepcopy(LAND_PROCEDURE)
    bad_agency["agencies"] = ["000.00.98.H53"]
    problems = problems_of(make_catalog(bad_sector, bad_agency))
    assert set(problems) == {"procedures[0].sector", "procedures[1].agencies[0]"}


def test_nothing_is_imported_when_anything_is_wrong(agencies):
    bad = copy.deepcopy(LAND_PROCEDURE)
    bad["agencies"] = ["000.00.98.H53"]
    problems_of(make_catalog(BASE_PROCEDURE, bad))
    assert Procedure.objects.count() == 0
    assert ProcedureVersion.objects.count() == 0


def test_linked_group_must_reference_known_procedures(agencies):
    data = make_catalog()
    data["linked_groups"] = [
        {
            "code": "lien-thong-khai-sinh",
            "name": "Liên thông khai sinh",
            "total_time": "3",
            "members": [
                {"procedure": "1.001193", "agency_kind": "commune_pc", "time_budget": "1"},
                {"procedure": "9.999999", "agency_kind": "commune_police", "time_budget": "2"},
            ],
        }
    ]
    assert problems_of(data) == {"linked_groups[0].members[1].procedure": "unknown procedure 9.999999"}


def test_linked_group_is_imported_with_dependencies(agencies):
    data = make_catalog()
    data["linked_groups"] = [
        {
            "code": "lien-thong-test",
            "name": "Liên thông thử",
            "total_time": "3",
            "members": [
                {"procedure": "1.001193", "agency_kind": "commune_pc", "time_budget": "1"},
                {
                    "procedure": "1.012345",
                    "agency_kind": "commune_police",
                    "time_budget": "2",
                    "optional": True,
                    "depends_on": ["1.001193"],
                },
            ],
        }
    ]
    import_catalog(data)
    from motcua.catalog.models import LinkedGroup

    group = LinkedGroup.objects.get(code="lien-thong-test")
    second = group.members.get(position=1)
    assert second.optional
    assert [d.procedure.code for d in second.depends_on.all()] == ["1.001193"]
    assert not import_catalog(data).changed
