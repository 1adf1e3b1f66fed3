"""The periodic jobs run together and report what they did."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.dossiers.models import Dossier, Status

pytestmark = pytest.mark.django_db


def test_periodic_refuses_expired_supplements(draft, capsys):
    Dossier.objects.filter(pk=draft.pk).update(
        status=Status.SUPPLEMENT_REQUESTED, code="001.08.40.H53-261128-0009",
        supplement_deadline=timezone.now() - dt.timedelta(hours=1),
    )  # fmt: skip
    call_command("periodic")
    assert Dossier.objects.get(pk=draft.pk).status == Status.REFUSED
    assert "refused after the supplement deadline: 1" in capsys.readouterr().out
