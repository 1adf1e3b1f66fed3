import pytest

from motcua.org.services import load_units


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def units(db):
    """All 34 provinces and 3,321 communes (bulk-loaded: a fraction of a second)."""
    return load_units()


@pytest.fixture
def demo_tree(units):
    from motcua.org.demo import build_demo_agencies, build_historical_units

    build_historical_units()
    return build_demo_agencies()
