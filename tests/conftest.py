import pytest


@pytest.fixture(autouse=True)
def _english_off(settings):
    """Tests see the site as a Vietnamese visitor does unless they switch."""
    settings.LANGUAGE_CODE = "vi"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests need no collectstatic run: serve static names as they are."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with empty caches (rate limits, cached catalog facets, the site frame)."""
    from django.core.cache import caches

    from motcua.core.templatetags import sitewide

    for name in caches.settings:
        caches[name].clear()
    sitewide.clear()
    yield
