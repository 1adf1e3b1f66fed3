"""The demo builds the workbench's records and is idempotent."""

from __future__ import annotations

import pytest

from motcua.reform.models import Answer, Assessment, Assignment, HourlyValue, Observation, ReviewPlan


@pytest.mark.django_db
def test_build_demo_twice():
    from motcua.catalog.demo import load_demo_catalog
    from motcua.org.demo import build_demo_agencies
    from motcua.org.services import load_units
    from motcua.reform.demo import build_demo

    load_units()
    build_demo_agencies()
    load_demo_catalog()
    logins = build_demo()
    assert {u for u, _p, _d in logins} == {"kiemsoat.tinh", "chuyenvien.sotuphap", "tocongnghe.tandong"}
    counts = [
        ReviewPlan.objects.count(),
        Assignment.objects.count(),
        Observation.objects.count(),
        Assessment.objects.count(),
    ]
    build_demo()
    assert counts == [
        ReviewPlan.objects.count(),
        Assignment.objects.count(),
        Observation.objects.count(),
        Assessment.objects.count(),
    ]
    assert counts[0] == 1 and counts[1] == 5 and counts[2] == 6 and counts[3] == 1
    assert HourlyValue.objects.get().source
    assert Answer.objects.filter(question__code="R-DOC-DATA", item="giay-to-tuy-than").exists()
