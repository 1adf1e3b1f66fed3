import pytest

from motcua.org.services import load_units


@pytest.fixture
def units(db):
    """All 34 provinces and 3,321 communes (bulk-loaded: a fraction of a second)."""
    return load_units()


@pytest.fixture
def family(units):
    """The fixed demo people: Cường (head), Bình (wife), Diệp (daughter) at Xã Tân Đông; An at
    Xã Tân Châu."""
    from motcua.registers.demo import ensure_fixed_people

    ensure_fixed_people()


@pytest.fixture(autouse=True)
def _builtin_register(settings):
    """The built-in register unless a test says otherwise (the environment may name another)."""
    settings.MOTCUA_POPULATION_REGISTER = "builtin"
