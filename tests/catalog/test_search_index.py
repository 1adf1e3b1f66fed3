"""The in-memory index answers exactly as the database does, and follows the catalog."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.catalog import search_index, selectors
from motcua.catalog.exchange import import_catalog
from tests.catalog.conftest import LAND_PROCEDURE, make_catalog
from tests.catalog.test_search import _proc

pytestmark = pytest.mark.django_db

# Names of distinct lengths: ties on rank are broken by length before the name, so the order
# does not depend on the database's collation.
NAMES = [
    ("1.000001", "Cấp bản sao trích lục khai sinh", ""),
    ("1.000002", "Đăng ký khai sinh", ""),
    ("1.000003", "Đăng ký lại khai sinh cho người đã có hồ sơ", ""),
    ("1.000004", "Thủ tục xác nhận", "dùng khi đăng ký khai sinh có yếu tố nước ngoài"),
    ("1.000005", "Đăng ký kết hôn", ""),
    ("1.000006", "Thủ tục đăng ký khai sinh lưu động", ""),
    ("1.000007", "Cấp giấy xác nhận tình trạng hôn nhân", "kết hôn, khai sinh"),
]
WORDS = ["dang", "ky", "khai", "sinh", "ket", "hon", "xac", "nhan", "cap", "1.000005", "dat", "zzz"]


@pytest.fixture
def catalog(agencies):
    import_catalog(make_catalog(*(_proc(c, n, summary=s) for c, n, s in NAMES), LAND_PROCEDURE))


def both(**filters):
    memory = selectors._search_in_memory(
        words=selectors.tokens(filters.get("raw", "")),
        raw=filters.get("raw", ""),
        sector=filters.get("sector", ""),
        level=filters.get("level", ""),
        online_level=filters.get("online_level", ""),
        page=filters.get("page", 1),
        page_size=filters.get("page_size", 20),
    )
    sql = selectors._search_in_sql(
        raw=filters.get("raw", ""),
        sector=filters.get("sector", ""),
        level=filters.get("level", ""),
        agency="",
        life_event="",
        online_level=filters.get("online_level", ""),
        page=filters.get("page", 1),
        page_size=filters.get("page_size", 20),
    )
    return memory, sql


def ids(result):
    return [v.pk for v in result.versions]


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"raw": "khai sinh"},
        {"raw": "Đăng ký khai sinh"},
        {"raw": "1.000005"},
        {"raw": "ket hon"},
        {"raw": "xac nhan"},
        {"raw": "dang ky", "page_size": 2, "page": 2},
        {"raw": "khai sinh", "sector": "ho-tich", "level": "commune", "online_level": "full"},
        {"raw": "", "sector": "dat-dai"},
        {"raw": "khong co gi"},
    ],
)
def test_the_index_ranks_filters_and_pages_as_the_database_does(catalog, filters):
    memory, sql = both(**filters)
    assert ids(memory) == ids(sql) and memory.total == sql.total


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(WORDS), min_size=0, max_size=3))
def test_any_combination_of_words_finds_the_same_procedures(catalog, words):
    memory, sql = both(raw=" ".join(words))
    assert ids(memory) == ids(sql) and memory.total == sql.total


def test_a_new_generation_brings_a_published_procedure_into_the_index(catalog):
    assert selectors.search_procedures(q="ho chieu").total == 0
    import_catalog(make_catalog(_proc("1.000099", "Cấp hộ chiếu phổ thông")))
    # Inside the test's transaction the publish hook (on commit) does not run: say it here.
    selectors.catalog_changed()
    assert [v.procedure.code for v in selectors.search_procedures(q="ho chieu").versions] == ["1.000099"]


def _later(monkeypatch):
    clock = search_index.time.monotonic() + search_index.REBUILD_AFTER + 1
    monkeypatch.setattr(search_index.time, "monotonic", lambda: clock)


def test_an_index_past_the_limit_is_kept_when_the_catalog_did_not_change(catalog, monkeypatch):
    generation = selectors.catalog_generation()
    first = search_index.current_index(generation)
    assert search_index.current_index(generation) is first
    _later(monkeypatch)
    monkeypatch.setattr(search_index, "_build", lambda: pytest.fail("rebuilt an unchanged catalog"))
    assert search_index.current_index(generation) is first


def test_a_version_published_by_another_process_is_found_after_the_limit(catalog, monkeypatch):
    """Without a shared cache the generation stays; the digest of the entries sees the new version."""
    generation = selectors.catalog_generation()
    assert selectors.search_procedures(q="ho chieu").total == 0  # the index is built now
    import_catalog(make_catalog(_proc("1.000099", "Cấp hộ chiếu phổ thông")))  # no catalog_changed()
    assert selectors.catalog_generation() == generation
    _later(monkeypatch)
    assert [v.procedure.code for v in selectors.search_procedures(q="ho chieu").versions] == ["1.000099"]


def test_a_sector_code_changed_elsewhere_rebuilds_the_index_after_the_limit(catalog, monkeypatch):
    from motcua.catalog.models import Sector

    generation = selectors.catalog_generation()
    first = search_index.current_index(generation)
    Sector.objects.filter(code="dat-dai").update(code="dat-dai-moi")
    _later(monkeypatch)
    assert search_index.current_index(generation) is not first
    assert selectors.search_procedures(sector="dat-dai-moi").total == 1


def test_an_emptied_cache_starts_a_generation_never_seen_before():
    from django.core.cache import cache

    before = selectors.catalog_generation()
    cache.clear()
    assert selectors.catalog_generation() != before


def test_a_search_reads_only_versions_it_has_not_shown_before(catalog, django_assert_num_queries):
    selectors.search_procedures(q="khai sinh", page_size=2)  # builds the index, reads two versions
    with django_assert_num_queries(1):  # the other five, by key; nothing counted in the database
        result = selectors.search_procedures(q="khai sinh")
    with django_assert_num_queries(0):
        assert selectors.search_procedures(q="khai sinh").versions == result.versions
    assert result.total == both(raw="khai sinh")[1].total == 7
