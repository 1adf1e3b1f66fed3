"""Public catalog pages render server-side, in Vietnamese by default, without JavaScript."""

import pytest
from django.utils import timezone

from motcua.catalog import selectors

pytestmark = pytest.mark.django_db


def test_home_page(client, imported):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="vi">' in response.content.decode()


def test_search_page_finds_without_diacritics(client, imported):
    html = client.get("/thu-tuc/", {"q": "dang ky khai sinh"}).content.decode()
    assert "Đăng ký khai sinh" in html
    assert "Đăng ký biến động" not in html


def test_search_page_ignores_an_unknown_filter_value(client, imported):
    response = client.get("/thu-tuc/", {"level": "nonsense", "page": "x"})
    assert response.status_code == 200


def test_detail_page_shows_the_due_date_and_fees(client, imported):
    version = selectors.get_current_version("1.012345")
    html = client.get("/thu-tuc/1.012345/").content.decode()
    due = timezone.localtime(selectors.due_if_submitted(version, online=True))
    assert due.strftime("%d/%m/%Y") in html
    assert "50.000 đ" in html and "100.000 đ" in html


def test_detail_page_of_unknown_code_is_404(client, imported):
    assert client.get("/thu-tuc/9.999999/").status_code == 404


def test_language_switch_to_english(client, imported):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/thu-tuc/1.001193/"})
    assert response.status_code == 302
    html = client.get("/thu-tuc/1.001193/").content.decode()
    assert '<html lang="en">' in html
    assert "Birth registration" in html


def test_home_page_browses_by_agency_and_commune_level(client, imported):
    html = client.get("/").content.decode()
    assert "?agency=000.00.07.H53" in html
    assert "?level=commune" in html


@pytest.mark.django_db(transaction=True)
def test_browse_facets_are_cached_until_a_version_is_published(agencies, django_assert_max_num_queries):
    from motcua.catalog import selectors
    from motcua.catalog.exchange import import_catalog
    from tests.catalog.conftest import BASE_PROCEDURE, LAND_PROCEDURE, make_catalog

    import_catalog(make_catalog(BASE_PROCEDURE))
    assert [s.code for s in selectors.sectors_with_counts()] == ["ho-tich"]
    with django_assert_max_num_queries(0):
        selectors.sectors_with_counts()  # from the cache
    import_catalog(make_catalog(BASE_PROCEDURE, LAND_PROCEDURE))  # publishes a new procedure
    assert sorted(s.code for s in selectors.sectors_with_counts()) == ["dat-dai", "ho-tich"]
