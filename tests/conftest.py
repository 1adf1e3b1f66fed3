import pytest


@pytest.fixture(autouse=True)
def _english_off(settings):
    """Tests see the site as a Vietnamese visitor does unless they switch."""
    settings.LANGUAGE_CODE = "vi"
