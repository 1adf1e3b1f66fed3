"""Search ignores diacritics and case, ranks sensibly, filters and pages with bounded queries."""

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.catalog.exchange import import_catalog
from motcua.catalog.selectors import search_procedures
from motcua.core.text import fold
from tests.catalog.conftest import BASE_PROCEDURE, LAND_PROCEDURE, make_catalog

pytestmark = pytest.mark.django_db


def codes(result):
    return [v.procedure.code for v in result.versions]


def _proc(code, name, summary="", sector="ho-tich"):
    proc = copy.deepcopy(BASE_PROCEDURE)
    proc.update(code=code, name=name, summary=summary, sector=sector, name_en="")
    return proc


@pytest.fixture
def many(agencies):
    import_catalog(
        make_catalog(
            _proc("1.000001", "Cấp bản sao trích lục khai sinh"),
            _proc("1.000002", "Đăng ký khai sinh"),
            _proc("1.000003", "Đăng ký lại khai sinh"),
            _proc("1.000004", "Thủ tục xác nhận", summary="dùng khi đăng ký khai sinh có yếu tố nước ngoài"),
            _proc("1.000005", "Đăng ký kết hôn"),
            LAND_PROCEDURE,
        )
    )


def test_search_without_diacritics_finds_the_accented_name(many):
    assert "1.000002" in codes(search_procedures(q="dang ky khai sinh"))


def test_search_is_case_insensitive_and_d_matches_đ(many):
    assert codes(search_procedures(q="ĐĂNG KÝ KẾT HÔN")) == ["1.000005"]
    assert codes(search_procedures(q="DANG KY KET HON")) == ["1.000005"]


def test_exact_name_ranks_first_then_prefix_then_words_then_summary(many):
    ranked = codes(search_procedures(q="đăng ký khai sinh"))
    assert ranked[0] == "1.000002"  # the whole name
    assert ranked.index("1.000003") < ranked.index("1.000004")  # all words in the name beat the summary
    assert "1.000001" not in ranked  # "đăng ký" is not in its text


def test_exact_national_code_ranks_first(many):
    assert codes(search_procedures(q="1.000003"))[0] == "1.000003"


def test_every_word_must_match(many):
    assert search_procedures(q="khai sinh xuất khẩu").total == 0


def test_empty_query_lists_everything_by_name(many):
    result = search_procedures()
    assert result.total == 6


def test_filters_by_sector_level_and_agency(many):
    assert codes(search_procedures(sector="dat-dai")) == ["1.012345"]
    assert codes(search_procedures(level="province")) == ["1.012345"]
    assert codes(search_procedures(agency="000.00.07.H53")) == ["1.012345"]
    assert search_procedures(agency="000.00.99.H53").total == 0


def test_agency_kind_procedures_are_found_by_an_agency_of_that_kind(many, agencies):
    from motcua.org.models import Agency

    commune = Agency.objects.create(
        code="000.01.40.H53", name="UBND xã Tân Đông", kind="commune_pc", unit=agencies["province"]
    )
    found = codes(search_procedures(agency=commune.code, page_size=100))
    assert "1.000002" in found and "1.012345" not in found


def test_life_event_filter(many):
    assert search_procedures(life_event="sinh-con").total == 5


def test_pages_are_bounded(many):
    first = search_procedures(page_size=2)
    assert len(first.versions) == 2 and first.pages == 3 and first.has_next
    last = search_procedures(page_size=2, page=3)
    assert not last.has_next and last.has_previous
    assert search_procedures(page_size=10_000).page_size == 100
    assert search_procedures(page=-5).page == 1


def test_search_uses_a_fixed_number_of_queries(many, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        result = search_procedures(q="khai sinh")
        [(v.sector.name, v.procedure.code) for v in result.versions]


def test_only_current_versions_are_found(many):
    data = make_catalog(_proc("1.000002", "Đăng ký khai sinh mới"))
    import_catalog(data)
    result = search_procedures(q="1.000002")
    assert [v.name for v in result.versions] == ["Đăng ký khai sinh mới"]


@given(
    st.text(
        alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ ",
        max_size=40,
    )
)
def test_fold_leaves_only_ascii_lowercase_words(text):
    folded = fold(text)
    assert folded == folded.lower()
    assert all(ch.isascii() for ch in folded)
    assert "  " not in folded
    assert fold(folded) == folded
    assert fold(text.upper()) == folded


def test_official_prefix_and_shorter_names_rank_higher(agencies):
    import_catalog(
        make_catalog(
            _proc("1.000010", "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú"),
            _proc("1.000011", "Thủ tục đăng ký khai sinh"),
            _proc("1.000012", "Thủ tục đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con"),
        )
    )
    assert codes(search_procedures(q="dang ky khai sinh")) == ["1.000011", "1.000012", "1.000010"]
