"""Linked groups are catalog data: what the import accepts and refuses."""

from __future__ import annotations

import copy

import pytest

from motcua.catalog.exchange import CatalogImportError, import_catalog, validate_catalog
from motcua.linked import config
from tests.linked.conftest import linked_catalog


def _group(data, code):
    return next(g for g in data["linked_groups"] if g["code"] == code)


def _problems(data) -> str:
    with pytest.raises(CatalogImportError) as caught:
        validate_catalog(data)
    return str(caught.value) + " ".join(str(p) for p in getattr(caught.value, "problems", []))


@pytest.mark.django_db
def test_the_demo_groups_are_valid_and_round_trip(tree):
    data = linked_catalog()
    validate_catalog(data)
    report = import_catalog(data)
    assert report.created["linked_groups"] == 2
    again = import_catalog(data)
    assert again.unchanged["linked_groups"] == 2  # export(import(x)) == x, hand-off included


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda g: g["members"][1]["inputs"].update({"x": "form.khong_co"}), "khong_co"),
        (lambda g: g["members"][1]["inputs"].update({"x": "sql:drop"}), "sql:drop"),
        (lambda g: g["members"][1]["inputs"].update({"x": "stage.1.001193.khong_co"}), "khong_co"),
        (
            lambda g: g["members"][0]["inputs"].update({"x": "stage.1.004222.so_thong_bao_thuong_tru"}),
            "depend",
        ),
        (lambda g: g["members"][0].update({"depends_on": ["1.004222"]}), "circle"),
        (lambda g: g["members"][0]["outputs"].update({"y": "result.whatever"}), "result.whatever"),
        (lambda g: g["members"][0]["documents"].update({"giay-chung-sinh": "khong-co"}), "khong-co"),
        (lambda g: g.update({"procedure": "9.999999"}), "9.999999"),
    ],
)
def test_a_broken_hand_off_is_refused_with_its_path(tree, change, expected):
    data = copy.deepcopy(linked_catalog())
    change(_group(data, "lien-thong-khai-sinh"))
    assert expected in _problems(data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bundle", "expected"),
    [
        ({"code": "1", "label": "x", "members": ["1.003197"]}, "leaves out a required"),
        ({"code": "5", "label": "x", "members": ["1.000656", "1.003197", "9.123456"]}, "not in the group"),
    ],
)
def test_a_bundle_must_keep_the_required_procedures(tree, bundle, expected):
    data = copy.deepcopy(linked_catalog())
    _group(data, "lien-thong-khai-tu")["bundles"].append(bundle)
    assert expected in _problems(data)


def test_inputs_fill_fields_and_rows_and_report_missing_results():
    inputs = {
        "ten": "form.tre_ho_ten",
        "truong_hop": "value:nguoi_than",
        "nguoi_cung_chuyen.0.tv_so_dinh_danh": "stage.1.001193.so_dinh_danh_tre",
        "trong": "form.khong_dien",
    }
    data, missing = config.resolve_inputs(inputs, answers={"tre_ho_ten": "Ngọc"}, outputs={})
    assert data == {"ten": "Ngọc", "truong_hop": "nguoi_than"}
    assert missing == ["stage.1.001193.so_dinh_danh_tre"]
    data, missing = config.resolve_inputs(
        inputs, answers={"tre_ho_ten": "Ngọc"}, outputs={"1.001193": {"so_dinh_danh_tre": "072326000001"}}
    )
    assert data["nguoi_cung_chuyen"] == [{"tv_so_dinh_danh": "072326000001"}] and missing == []
