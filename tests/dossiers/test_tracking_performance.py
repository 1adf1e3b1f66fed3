"""Public tracking is the busiest public page: one narrow statement per lookup on PostgreSQL (the
public events as a JSON array in it), two elsewhere (docs/performance.md)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.dossiers import selectors
from motcua.dossiers.models import Dossier, DossierEvent, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracked(tree, version, citizen):
    cache.clear()  # the rate limit counts wrong PINs of earlier tests from the same address
    dossier = Dossier.objects.create(
        code="001.08.40.H53-260316-0001",
        tracking_pin="123456",
        procedure_version=version,
        applicant=citizen,
        receiving_agency=tree["one_stop"],
        status=Status.RECEIVED,
        form_data={"ho_ten": "Trần Thị Bình"},
        submitted_at=timezone.now() - dt.timedelta(days=2, microseconds=17),
        due_at=timezone.now() + dt.timedelta(days=3),
    )
    DossierEvent.objects.create(dossier=dossier, action="submit", to_status="submitted")
    DossierEvent.objects.create(dossier=dossier, action="assign", to_status="in_progress", public=False)
    DossierEvent.objects.create(dossier=dossier, action="receive", to_status="received")
    return dossier


def statements_per_lookup() -> int:
    return 1 if connection.vendor == "postgresql" else 2


def test_a_lookup_is_one_round_trip_without_form_data_or_form_specifications(tracked):
    with CaptureQueriesContext(connection) as ctx:
        found = selectors.track(tracked.code, "123456")
        # Everything the page and the API show, read without another query.
        shown = (found.procedure_name, found.procedure_code, found.agency_name, found.status_label)
        actions = [(e.at, e.action, e.to_status) for e in found.timeline]
    assert len(ctx.captured_queries) == statements_per_lookup()
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    for heavy in ("form_data", "form_spec", "search_text", "summary", "comment"):
        assert heavy not in sql, heavy
    assert shown[1] == tracked.procedure_version.procedure.code and shown[2] == tracked.receiving_agency.name
    assert [a[1] for a in actions] == ["submit", "receive"]
    # The same values the ORM gives: aware datetimes, translated status label.
    events = list(tracked.events.filter(public=True).order_by("at", "id"))
    assert [a[0] for a in actions] == [e.at for e in events]
    assert found.submitted_at == tracked.submitted_at and found.due_at == tracked.due_at
    assert found.submitted_at.tzinfo is not None
    assert found.status_label == tracked.get_status_display()


def test_drafts_unknown_codes_and_wrong_pins_are_not_found(tracked):
    assert selectors.track(tracked.code, "654321") is None
    assert selectors.track("001.08.40.H53-260316-0002", "123456") is None
    Dossier.objects.filter(pk=tracked.pk).update(status=Status.DRAFT)
    assert selectors.track(tracked.code, "123456") is None


def test_the_tracking_page_runs_a_fixed_number_of_queries(client, tracked, django_assert_max_num_queries):
    with django_assert_max_num_queries(statements_per_lookup()):
        response = client.get("/tra-cuu/", {"code": tracked.code, "pin": "123456"})
    assert response.status_code == 200 and tracked.code in response.content.decode()


def rewrite_events():
    """Events are append-only; a test arranges their times and flags below the rule."""
    return QuerySet(DossierEvent)


def test_a_dossier_without_public_events_has_an_empty_timeline(tracked):
    rewrite_events().filter(dossier=tracked).update(public=False)
    found = selectors.track(tracked.code, "123456")
    assert found is not None and found.timeline == []


def test_the_timeline_is_in_order_of_time_then_of_recording(tracked):
    same_moment = timezone.now() + dt.timedelta(hours=1)
    later = DossierEvent.objects.create(dossier=tracked, action="request_supplement", to_status="supplement")
    earlier = DossierEvent.objects.create(dossier=tracked, action="answer_supplement", to_status="received")
    rewrite_events().filter(pk__in=[later.pk, earlier.pk]).update(at=same_moment)
    rewrite_events().filter(dossier=tracked, action="submit").update(at=same_moment + dt.timedelta(minutes=5))
    actions = [e.action for e in selectors.track(tracked.code, "123456").timeline]
    assert actions == ["receive", "request_supplement", "answer_supplement", "submit"]
