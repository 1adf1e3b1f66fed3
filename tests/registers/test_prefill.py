"""The prefill service and the built-in register: one test per rule."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.core.models import AppendOnlyError
from motcua.registers.adapters.builtin import BuiltinRegister
from motcua.registers.models import RegisterLookup
from motcua.registers.ports import REGISTER_FIELDS, PopulationRegister, RegisterUnavailable, get_register
from motcua.registers.services import EID_VERIFIED, PrefillResult, hash_personal_id, prefill

pytestmark = pytest.mark.django_db

BINH = "080195000002"
CUONG = "072093000003"
DIEP = "080318000004"
AN = "072090000001"


class SpyRegister(PopulationRegister):
    """Records what it was asked; answers from ``answer`` (or raises ``error``)."""

    code = "spy"

    def __init__(self, answer=None, error: Exception | None = None):
        self.calls: list[tuple[str, list[str]]] = []
        self.answer = answer
        self.error = error

    def lookup(self, personal_id, fields):
        self.calls.append((personal_id, list(fields)))
        if self.error:
            raise self.error
        if self.answer is None:
            return None
        return {key: value for key, value in self.answer.items() if key in fields}


def test_the_port_lists_exactly_the_agreed_fields():
    assert REGISTER_FIELDS == (
        "full_name",
        "birth_date",
        "sex",
        "ethnicity",
        "nationality",
        "personal_id",
        "permanent_address",
        "current_address",
        "father.full_name",
        "father.personal_id",
        "mother.full_name",
        "mother.personal_id",
        "spouse.full_name",
        "spouse.personal_id",
        "household.head_name",
        "household.members",
        "phone",
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.sets(st.sampled_from(REGISTER_FIELDS), min_size=1))
def test_only_the_requested_fields_are_asked_for_and_returned(family, fields):
    spy = SpyRegister(answer=BuiltinRegister().lookup(BINH, REGISTER_FIELDS))
    wanted = {f"form_{key.replace('.', '_')}": key for key in fields}
    result = prefill(personal_id=BINH, assurance_level=EID_VERIFIED, wanted=wanted, register=spy)
    assert result.status == "ok"
    assert set(spy.calls[0][1]) == fields
    assert set(result.values) <= set(wanted)
    # The built-in adapter itself answers with no more than it was asked.
    assert set(BuiltinRegister().lookup(BINH, fields)) <= fields


def test_values_are_keyed_by_form_field(family):
    result = prefill(
        personal_id=BINH,
        assurance_level=2,
        wanted={
            "ho_ten": "full_name",
            "ngay_sinh": "birth_date",
            "gioi_tinh": "sex",
            "vo_chong": "spouse.full_name",
        },
    )
    assert result == PrefillResult(
        "ok",
        {"ho_ten": "Trần Thị Bình", "ngay_sinh": "1995-03-12", "gioi_tinh": "nu", "vo_chong": "Lê Văn Cường"},
        "builtin",
        "",
    )


def test_level_1_citizens_are_not_eligible_and_nothing_is_looked_up(family):
    spy = SpyRegister(answer={"full_name": "x"})
    result = prefill(personal_id=AN, assurance_level=1, wanted={"name": "full_name"}, register=spy)
    assert result.status == "not_eligible"
    assert result.values == {}
    assert result.message  # a sentence for the citizen
    assert spy.calls == []
    assert RegisterLookup.objects.count() == 0


def test_no_personal_id_is_not_eligible(family):
    spy = SpyRegister()
    assert prefill(personal_id=None, assurance_level=2, wanted={"n": "full_name"}, register=spy).status == (
        "not_eligible"
    )
    assert spy.calls == []


def test_a_person_missing_from_the_register_is_not_found(units):
    result = prefill(personal_id="079201000999", assurance_level=2, wanted={"name": "full_name"})
    assert result.status == "not_found"
    assert result.values == {}
    assert "not found" in result.message or "không tìm thấy" in result.message.lower()
    assert RegisterLookup.objects.get().outcome == "not_found"


@pytest.mark.parametrize("error", [RegisterUnavailable("down"), RuntimeError("bug in the adapter")])
def test_an_unavailable_register_gives_a_message_and_no_exception(units, caplog, error):
    spy = SpyRegister(error=error)
    with caplog.at_level(logging.WARNING, logger="motcua.registers"):
        result = prefill(personal_id=BINH, assurance_level=2, wanted={"name": "full_name"}, register=spy)
    assert result.status == "unavailable"
    assert result.values == {}
    assert result.source == "spy"
    assert result.message
    assert result.message != prefill(personal_id=BINH, assurance_level=1, wanted={}).message
    assert "population register" in caplog.text
    assert BINH not in caplog.text
    assert RegisterLookup.objects.get().outcome == "unavailable"


def test_a_misconfigured_register_is_unavailable_not_an_error(units, settings):
    settings.MOTCUA_POPULATION_REGISTER = "nonexistent"
    result = prefill(personal_id=BINH, assurance_level=2, wanted={"name": "full_name"})
    assert result.status == "unavailable"


def test_address_format(family):
    values = BuiltinRegister().lookup(BINH, ["permanent_address", "current_address"])
    expected = {
        "province": "80",
        "commune": "25522",
        "detail": "Ấp Thạnh Hiệp",
        "text": "Ấp Thạnh Hiệp, Xã Tân Đông, Tỉnh Tây Ninh",
    }
    assert values == {"permanent_address": expected, "current_address": expected}


def test_household_members_format_head_first(family):
    values = BuiltinRegister().lookup(DIEP, ["household.members", "household.head_name"])
    assert values["household.head_name"] == "Lê Văn Cường"
    assert values["household.members"] == [
        {
            "full_name": "Lê Văn Cường",
            "personal_id": CUONG,
            "birth_date": "1993-07-21",
            "sex": "nam",
            "relation": "Chủ hộ",
        },
        {
            "full_name": "Trần Thị Bình",
            "personal_id": BINH,
            "birth_date": "1995-03-12",
            "sex": "nu",
            "relation": "Vợ",
        },
        {
            "full_name": "Lê Ngọc Diệp",
            "personal_id": DIEP,
            "birth_date": "2018-09-02",
            "sex": "nu",
            "relation": "Con",
        },
    ]


def test_every_value_but_addresses_and_members_is_a_string(family):
    values = BuiltinRegister().lookup(DIEP, REGISTER_FIELDS)
    for key, value in values.items():
        if key.endswith("_address"):
            assert set(value) == {"province", "commune", "detail", "text"}
        elif key == "household.members":
            assert all(set(m) == {"full_name", "personal_id", "birth_date", "sex", "relation"} for m in value)
        else:
            assert isinstance(value, str), key


def test_parents_from_the_register_and_by_name(family):
    daughter = BuiltinRegister().lookup(
        DIEP, ["father.full_name", "father.personal_id", "mother.personal_id"]
    )
    assert daughter == {
        "father.full_name": "Lê Văn Cường",
        "father.personal_id": CUONG,
        "mother.personal_id": BINH,
    }
    # Bình's parents are not in the register: their names only, no personal ID.
    mother = BuiltinRegister().lookup(BINH, ["father.full_name", "father.personal_id", "spouse.personal_id"])
    assert mother == {"father.full_name": "Trần Văn Bảo", "spouse.personal_id": CUONG}


def test_birth_registration_prefills_both_parents_from_the_mothers_record(family):
    wanted = {
        "me_ho_ten": "full_name",
        "me_so_dinh_danh": "personal_id",
        "me_ngay_sinh": "birth_date",
        "me_dan_toc": "ethnicity",
        "cha_ho_ten": "spouse.full_name",
        "cha_so_dinh_danh": "spouse.personal_id",
        "noi_cu_tru": "permanent_address",
    }
    result = prefill(personal_id=BINH, assurance_level=2, wanted=wanted)
    assert result.status == "ok"
    assert result.values["cha_ho_ten"] == "Lê Văn Cường"
    assert result.values["cha_so_dinh_danh"] == CUONG
    assert result.values["me_dan_toc"] == "Kinh"
    assert result.values["noi_cu_tru"]["text"] == "Ấp Thạnh Hiệp, Xã Tân Đông, Tỉnh Tây Ninh"


def test_fields_without_a_value_are_left_out(family):
    result = prefill(
        personal_id=AN, assurance_level=2, wanted={"vo_chong": "spouse.full_name", "ten": "full_name"}
    )
    assert result.values == {"ten": "Nguyễn Văn An"}


def test_unknown_register_keys_are_ignored(family, caplog):
    spy = SpyRegister(answer={"full_name": "Trần Thị Bình"})
    result = prefill(
        personal_id=BINH, assurance_level=2, wanted={"a": "full_name", "b": "blood_type"}, register=spy
    )
    assert result.values == {"a": "Trần Thị Bình"}
    assert spy.calls[0][1] == ["full_name"]
    assert "blood_type" in caplog.text


def test_the_adapter_rejects_unknown_fields(family):
    with pytest.raises(ValueError, match="blood_type"):
        BuiltinRegister().lookup(BINH, ["blood_type"])


def test_the_lookup_log_keeps_a_digest_not_the_number(family):
    prefill(personal_id=BINH, assurance_level=2, wanted={"ten": "full_name", "cha": "spouse.full_name"})
    entry = RegisterLookup.objects.get()
    assert entry.personal_id_hash == hash_personal_id(BINH)
    assert len(entry.personal_id_hash) == 64
    assert entry.adapter == "builtin"
    assert entry.fields == ["full_name", "spouse.full_name"]
    assert entry.outcome == "ok"
    assert entry.duration_ms >= 0
    stored = " ".join(str(v) for v in RegisterLookup.objects.values().get().values())
    assert BINH not in stored


def test_the_lookup_log_is_append_only(family):
    prefill(personal_id=BINH, assurance_level=2, wanted={"ten": "full_name"})
    entry = RegisterLookup.objects.get()
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        RegisterLookup.objects.update(outcome="not_found")


def test_nothing_is_looked_up_when_no_register_field_is_wanted(family):
    spy = SpyRegister(answer={})
    assert prefill(personal_id=BINH, assurance_level=2, wanted={}, register=spy).status == "ok"
    assert spy.calls == []


def test_the_builtin_lookup_is_a_few_queries(family, django_assert_max_num_queries):
    # The person with parents, spouse, household and head; unit names; members — plus the
    # savepoint and its release (the test runs inside a transaction).
    with django_assert_max_num_queries(5):
        BuiltinRegister().lookup(DIEP, REGISTER_FIELDS)


def test_prefill_inside_the_callers_transaction_leaves_it_usable(family):
    with transaction.atomic():
        result = prefill(personal_id=BINH, assurance_level=2, wanted={"ten": "full_name"})
        assert result.status == "ok"
        assert RegisterLookup.objects.count() == 1


def test_the_default_adapter_is_builtin(settings, monkeypatch):
    del settings.MOTCUA_POPULATION_REGISTER
    monkeypatch.delenv("MOTCUA_POPULATION_REGISTER", raising=False)
    assert get_register().code == "builtin"
