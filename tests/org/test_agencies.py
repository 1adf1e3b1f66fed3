"""Agencies: codes, the materialised path, moves, subtree and unit look-ups."""

import pytest
from django.core.exceptions import ValidationError

from motcua.core.models import AuditRecord
from motcua.org import selectors
from motcua.org.models import Agency
from motcua.org.services import create_agencies, create_agency, move_agency
from motcua.org.validators import validate_unit_identifier_code
from tests.factories import AgencyFactory, ProvinceFactory, UnitFactory

pytestmark = pytest.mark.django_db

Kind = Agency.Kind


@pytest.fixture
def province(db):
    return ProvinceFactory()


@pytest.fixture
def tree(province):
    commune_a = UnitFactory(parent=province, name="Xã An")
    commune_b = UnitFactory(parent=province, name="Xã Bình")
    root = create_agency(code="000.00.00.T01", name="UBND tỉnh", kind=Kind.PROVINCE_PC, unit=province)
    pc_a = create_agency(
        code="000.01.40.T01", name="UBND xã An", kind=Kind.COMMUNE_PC, unit=commune_a, parent=root
    )
    centre_a = create_agency(
        code="001.01.40.T01", name="TTPVHCC xã An", kind=Kind.COMMUNE_ONE_STOP, unit=commune_a, parent=pc_a
    )
    police_a = create_agency(
        code="002.01.40.T01", name="Công an xã An", kind=Kind.COMMUNE_POLICE, unit=commune_a, parent=pc_a
    )
    pc_b = create_agency(
        code="000.02.40.T01", name="UBND xã Bình", kind=Kind.COMMUNE_PC, unit=commune_b, parent=root
    )
    return {
        "root": root,
        "pc_a": pc_a,
        "centre_a": centre_a,
        "police_a": police_a,
        "pc_b": pc_b,
        "commune_a": commune_a,
        "commune_b": commune_b,
    }


def test_create_agency_sets_the_materialised_path(tree):
    root, pc_a, centre_a = tree["root"], tree["pc_a"], tree["centre_a"]
    assert root.path == f"/{root.pk}/"
    assert pc_a.path == f"/{root.pk}/{pc_a.pk}/"
    assert centre_a.path == f"/{root.pk}/{pc_a.pk}/{centre_a.pk}/"
    assert Agency.objects.get(pk=centre_a.pk).path == centre_a.path
    assert (root.depth, pc_a.depth, centre_a.depth) == (0, 1, 2)
    assert centre_a.ancestor_ids() == [root.pk, pc_a.pk, centre_a.pk]


def test_create_agency_is_audited_and_folds_the_name(tree):
    assert AuditRecord.objects.filter(action="org.agency_created").count() == 5
    assert tree["police_a"].name_folded == "cong an xa an"


def test_saving_through_the_orm_also_keeps_the_path(province):
    parent = AgencyFactory(unit=province)
    child = Agency.objects.create(
        code="009.09.09.T09", name="Con", kind=Kind.OTHER, unit=province, parent=parent
    )
    assert child.path == f"{parent.path}{child.pk}/"


@pytest.mark.parametrize(
    "code",
    [
        "",
        "000.00.00.h53",  # lower-case letter
        "00.00.00.H53",  # two digits first
        "000.00.00.H5",  # one digit after the letter
        "000-00-00-H53",  # dashes
        "000.00.00.53H",
        " 000.00.00.H53x",
        "000.00.0A.H53",
    ],
)
def test_create_agency_rejects_a_malformed_code_with_a_clear_message(province, code):
    with pytest.raises(ValidationError) as info:
        create_agency(code=code, name="Cơ quan", kind=Kind.OTHER, unit=province)
    messages = info.value.message_dict["code"]
    assert any("000.00.00.H53" in m for m in messages)
    assert not Agency.objects.exists()


def test_the_validator_accepts_the_documented_form():
    validate_unit_identifier_code("000.00.30.H53")
    with pytest.raises(ValidationError) as info:
        validate_unit_identifier_code("H53")
    assert info.value.code == "unit_identifier_code"


def test_create_agency_rejects_a_duplicate_code(tree, province):
    with pytest.raises(ValidationError) as info:
        create_agency(code="000.00.00.T01", name="Trùng mã", kind=Kind.OTHER, unit=province)
    assert info.value.error_dict["code"][0].code == "duplicate_code"
    assert "000.00.00.T01" in info.value.message_dict["code"][0]


def test_create_agency_rejects_an_unknown_kind(province):
    with pytest.raises(ValidationError) as info:
        create_agency(code="000.00.00.T02", name="Cơ quan", kind="ministry", unit=province)
    assert info.value.error_dict["kind"][0].code == "kind"


def test_create_agency_rejects_an_empty_name_and_a_bad_email(province):
    with pytest.raises(ValidationError) as info:
        create_agency(code="000.00.00.T02", name="  ", kind=Kind.OTHER, unit=province, email="not-an-email")
    assert set(info.value.message_dict) >= {"name", "email"}
    assert not Agency.objects.exists()


def test_move_agency_rewrites_the_paths_of_the_whole_subtree(tree):
    root, pc_a, centre_a, police_a, pc_b = (tree[k] for k in ("root", "pc_a", "centre_a", "police_a", "pc_b"))
    move_agency(agency=pc_a, new_parent=pc_b)
    for agency in (pc_a, centre_a, police_a):
        agency.refresh_from_db()
    assert pc_a.path == f"/{root.pk}/{pc_b.pk}/{pc_a.pk}/"
    assert centre_a.path == f"/{root.pk}/{pc_b.pk}/{pc_a.pk}/{centre_a.pk}/"
    assert police_a.path == f"/{root.pk}/{pc_b.pk}/{pc_a.pk}/{police_a.pk}/"
    assert set(selectors.agency_subtree(pc_b)) == {pc_b, pc_a, centre_a, police_a}
    assert AuditRecord.objects.filter(action="org.agency_moved").count() == 1


def test_move_agency_to_the_top(tree):
    pc_a, centre_a = tree["pc_a"], tree["centre_a"]
    move_agency(agency=pc_a, new_parent=None)
    centre_a.refresh_from_db()
    assert centre_a.path == f"/{pc_a.pk}/{centre_a.pk}/"


@pytest.mark.parametrize("target", ["pc_a", "centre_a"])
def test_move_agency_refuses_to_put_an_agency_under_itself(tree, target):
    with pytest.raises(ValidationError) as info:
        move_agency(agency=tree["pc_a"], new_parent=tree[target])
    assert info.value.error_dict["parent"][0].code == "cycle"
    tree["centre_a"].refresh_from_db()
    assert tree["centre_a"].path.startswith(tree["root"].path)


def test_saving_a_cycle_directly_is_refused(tree):
    pc_a = tree["pc_a"]
    pc_a.parent = tree["centre_a"]
    with pytest.raises(ValidationError):
        pc_a.save()
    with pytest.raises(ValidationError):
        pc_a.full_clean()


def test_agency_subtree_is_one_prefix_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = [a.name for a in selectors.agency_subtree(tree["pc_a"])]
    assert names == ["UBND xã An", "TTPVHCC xã An", "Công an xã An"]
    assert tree["pc_a"] not in selectors.agency_subtree(tree["pc_a"], include_self=False)
    assert tree["pc_b"] not in selectors.agency_subtree(tree["pc_a"])


def test_agency_ancestors(tree):
    assert list(selectors.agency_ancestors(tree["centre_a"])) == [tree["root"], tree["pc_a"]]


def test_agencies_for_unit_and_commune_agency(tree):
    commune_a = tree["commune_a"]
    assert list(selectors.agencies_for_unit(commune_a)) == [tree["pc_a"], tree["centre_a"], tree["police_a"]]
    assert list(selectors.agencies_for_unit(commune_a, kinds=[Kind.COMMUNE_POLICE])) == [tree["police_a"]]
    assert selectors.commune_agency(commune_a, Kind.COMMUNE_ONE_STOP) == tree["centre_a"]
    assert selectors.commune_agency(tree["commune_b"], Kind.COMMUNE_ONE_STOP) is None


def test_inactive_agencies_are_left_out_of_unit_look_ups(tree):
    Agency.objects.filter(pk=tree["centre_a"].pk).update(is_active=False)
    assert selectors.commune_agency(tree["commune_a"], Kind.COMMUNE_ONE_STOP) is None
    assert tree["centre_a"] not in selectors.agencies_for_unit(tree["commune_a"])
    assert tree["centre_a"] in selectors.agencies_for_unit(tree["commune_a"], active_only=False)


# --- Many at once -----------------------------------------------------------------------------


def test_create_agencies_builds_a_tree_in_a_few_queries(province, django_assert_max_num_queries):
    rows = [
        {
            "code": "000.00.00.T05",
            "name": "Gốc",
            "kind": Kind.PROVINCE_PC,
            "unit": province,
            "parent_code": None,
        }
    ]
    for i in range(1, 21):
        rows.append(
            {
                "code": f"000.{i:02d}.40.T05",
                "name": f"UBND {i}",
                "kind": Kind.COMMUNE_PC,
                "unit": province,
                "parent_code": "000.00.00.T05",
            }
        )
        rows.append(
            {
                "code": f"001.{i:02d}.40.T05",
                "name": f"TT {i}",
                "kind": Kind.COMMUNE_ONE_STOP,
                "unit": province,
                "parent_code": f"000.{i:02d}.40.T05",
            }
        )
    with django_assert_max_num_queries(15):
        created = create_agencies(rows=rows)
    assert [a.code for a in created] == [r["code"] for r in rows]
    root = Agency.objects.get(code="000.00.00.T05")
    leaf = Agency.objects.get(code="001.07.40.T05")
    assert leaf.path == f"{Agency.objects.get(code='000.07.40.T05').path}{leaf.pk}/"
    assert leaf.name_folded == "tt 7"
    assert selectors.agency_subtree(root).count() == 41
    assert AuditRecord.objects.filter(action="org.agencies_created").count() == 1


def test_create_agencies_under_an_existing_parent(tree, province):
    (agency,) = create_agencies(
        rows=[
            {
                "code": "003.01.40.T01",
                "name": "Mới",
                "kind": Kind.OTHER,
                "unit": province,
                "parent_code": "000.01.40.T01",
            }
        ]
    )
    assert agency.path == f"{tree['pc_a'].path}{agency.pk}/"


def test_create_agencies_checks_every_row_first_and_writes_nothing_on_error(tree, province):
    rows = [
        {"code": "000.00.00.T09", "name": "Đúng", "kind": Kind.OTHER, "unit": province},
        {"code": "000.00.00.T09", "name": "Trùng trong lô", "kind": Kind.OTHER, "unit": province},
        {"code": "000.00.00.T01", "name": "Trùng với cơ sở dữ liệu", "kind": Kind.OTHER, "unit": province},
        {"code": "sai", "name": "Sai mã", "kind": Kind.OTHER, "unit": province},
        {"code": "000.00.01.T09", "name": "", "kind": "nope", "unit": None, "parent_code": "999.99.99.X99"},
    ]
    with pytest.raises(ValidationError) as info:
        create_agencies(rows=rows)
    errors = info.value.error_dict
    assert errors["rows.1.code"][0].code == "duplicate_code"
    assert errors["rows.2.code"][0].code == "duplicate_code"
    assert errors["rows.3.code"][0].code == "unit_identifier_code"
    assert {"rows.4.name", "rows.4.kind", "rows.4.unit", "rows.4.parent_code"} <= set(errors)
    assert not Agency.objects.filter(code="000.00.00.T09").exists()
