"""Fixtures for results: the demo CA made once per session, a received dossier."""

from __future__ import annotations

import os

import pytest
from django.utils import timezone

from tests.dossiers import conftest as dossier_fixtures

# The dossier fixtures, reused (pytest finds fixtures by module-level name).
_media = dossier_fixtures._media
tree = dossier_fixtures.tree
version = dossier_fixtures.version
citizen = dossier_fixtures.citizen
other_citizen = dossier_fixtures.other_citizen
draft = dossier_fixtures.draft


@pytest.fixture(autouse=True)
def _urls(settings):
    settings.ROOT_URLCONF = "tests.results.urls"


@pytest.fixture(scope="session", autouse=True)
def signing_dir(tmp_path_factory):
    """The demo CA is generated once into a temporary folder and reused by every test."""
    from motcua.results import ca

    folder = tmp_path_factory.mktemp("signing")
    saved = {k: os.environ.pop(k, None) for k in ("MOTCUA_SIGNING_PKCS12", "MOTCUA_SIGNING_DIR")}
    os.environ["MOTCUA_SIGNING_DIR"] = str(folder)
    ca.ensure_demo_ca()
    yield folder
    os.environ.pop("MOTCUA_SIGNING_DIR", None)
    for key, value in saved.items():
        if value is not None:
            os.environ[key] = value


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dossier(draft, tree):
    """A dossier past reception, with answers, at the commune's People's Committee."""
    from motcua.dossiers.models import Dossier

    Dossier.objects.filter(pk=draft.pk).update(
        code="001.08.40.H53-260105-0001",
        status="in_progress",
        submitted_at=timezone.now(),
        received_at=timezone.now(),
        competent_agency=tree["commune_pc"],
        form_data={"ho_ten": "Trần Thị Bình", "ngay_sinh": "1990-03-04", "ten_tre": "Trần Bảo Ngọc"},
        prefilled_fields=["ho_ten", "ngay_sinh"],
    )
    return Dossier.objects.get(pk=draft.pk)


@pytest.fixture
def officer(tree):
    from tests.factories import OfficerFactory

    return OfficerFactory(full_name="Lê Văn Cường")


@pytest.fixture
def result(dossier, officer):
    from motcua.results.services import issue_result

    return issue_result(dossier=dossier, actor=officer)
