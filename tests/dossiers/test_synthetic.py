"""The synthetic province generator behind ``motcua generate`` and the benchmark suite."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from motcua.accounts.models import User
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers import codes, selectors, synthetic
from motcua.dossiers.models import Attachment, Dossier, DossierCodeSequence, DossierEvent, Status

pytestmark = pytest.mark.django_db

AS_OF = timezone.make_aware(dt.datetime(2026, 3, 16, 10, 0))  # a Monday morning
N = 600
P = 150  # a small catalog keeps the tests quick; one test checks the national count


@pytest.fixture
def generated():
    return synthetic.generate(dossiers=N, seed=7, as_of=AS_OF, batch=250, procedures=P)


def fingerprint() -> list[tuple]:
    return list(
        Dossier.objects.filter(idempotency_key__startswith="syn:")
        .annotate(n_events=Count("events", distinct=True), n_files=Count("attachments", distinct=True))
        .order_by("code")
        .values_list(
            "code", "status", "tracking_pin", "procedure_version__procedure__code", "applicant__username",
            "submitted_at", "due_at", "channel", "n_events", "n_files",
        )
    )  # fmt: skip


def test_it_creates_the_dossiers_events_and_attachments(generated):
    assert not generated.skipped
    assert Dossier.objects.filter(idempotency_key__startswith="syn:7:").count() == N
    assert generated.created["dossiers"] == N
    assert generated.created["events"] == DossierEvent.objects.count() > 3 * N
    assert generated.created["attachments"] == Attachment.objects.count() >= N


def test_the_catalog_is_topped_up_to_the_national_count():
    synthetic.generate(dossiers=20, seed=9, as_of=AS_OF)
    assert ProcedureVersion.objects.filter(is_current=True).count() == synthetic.NATIONAL_PROCEDURES
    long_tail = Dossier.objects.filter(procedure_version__procedure__code__startswith="9.").count()
    assert long_tail < 10  # the synthetic long tail is ~5 % of the volume


def test_the_same_seed_gives_the_same_rows():
    with transaction.atomic():
        synthetic.generate(dossiers=300, seed=11, as_of=AS_OF, batch=120, procedures=P)
        first = fingerprint()
        transaction.set_rollback(True)
    assert Dossier.objects.count() == 0
    synthetic.generate(dossiers=300, seed=11, as_of=AS_OF, batch=120, procedures=P)
    assert fingerprint() == first and len(first) == 300


def test_another_seed_gives_other_rows():
    with transaction.atomic():
        synthetic.generate(dossiers=100, seed=1, as_of=AS_OF, procedures=P)
        first = fingerprint()
        transaction.set_rollback(True)
    synthetic.generate(dossiers=100, seed=2, as_of=AS_OF, procedures=P)
    assert fingerprint() != first


def test_a_second_run_with_the_same_seed_is_skipped(generated):
    before = DossierEvent.objects.count()
    again = synthetic.generate(dossiers=N, seed=7, as_of=AS_OF, procedures=P)
    assert again.skipped and again.dossiers == N and DossierEvent.objects.count() == before
    smaller = synthetic.generate(dossiers=N // 2, seed=7, as_of=AS_OF, procedures=P)
    assert smaller.skipped


def test_another_seed_in_the_same_database_is_refused(generated):
    with pytest.raises(synthetic.MixedSeeds):
        synthetic.generate(dossiers=10, seed=8, as_of=AS_OF, procedures=P)
    with pytest.raises(CommandError):
        call_command("generate", dossiers=10, seed=8, procedures=P, verbosity=0)


def test_every_row_points_at_an_existing_row(generated):
    with connection.cursor() as cursor:
        for child, column, parent in (
            ("dossiers_dossierevent", "dossier_id", "dossiers_dossier"),
            ("dossiers_attachment", "dossier_id", "dossiers_dossier"),
            ("dossiers_dossier", "applicant_id", "accounts_user"),
            ("dossiers_dossier", "procedure_version_id", "catalog_procedureversion"),
            ("dossiers_dossier", "receiving_agency_id", "org_agency"),
        ):
            cursor.execute(
                f"SELECT COUNT(*) FROM {child} c LEFT JOIN {parent} p ON p.id = c.{column} "
                f"WHERE c.{column} IS NOT NULL AND p.id IS NULL"
            )
            assert cursor.fetchone()[0] == 0, (child, column)


def test_the_mix_looks_like_a_province(generated):
    dossiers = Dossier.objects.filter(idempotency_key__startswith="syn:")
    online = dossiers.filter(channel="online").count() / N
    assert 0.84 <= online <= 0.95
    # A year of data: most dossiers are finished, and some are still in the officers' queues.
    finished = dossiers.filter(
        status__in=[Status.RETURNED, Status.RESOLVED, Status.REFUSED, Status.WITHDRAWN]
    )
    assert finished.count() > 0.8 * N
    assert dossiers.filter(
        status__in=[Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENT_REQUESTED]
    ).exists()
    centres = dossiers.values("receiving_agency").distinct().count()
    assert centres > 60  # spread over the 96 communes' centres
    assert dossiers.values("procedure_version").distinct().count() > 30
    assert dossiers.filter(assigned_to__isnull=False).exists()
    assert dossiers.filter(supplement_count__gt=0).exists()


def test_ninety_nine_percent_are_on_time_and_late_ones_carry_an_apology():
    synthetic.generate(dossiers=3000, seed=5, as_of=AS_OF, batch=1000, procedures=P)
    done = Dossier.objects.filter(finished_at__isnull=False, status__in=[Status.RETURNED, Status.RESOLVED])
    late = [d for d in done if d.finished_at > (d.original_due_at or d.due_at)]
    share = len(late) / done.count()
    assert 0.002 <= share <= 0.03
    apologies = DossierEvent.objects.filter(action="apologise").select_related("dossier")
    assert apologies.exists()
    for event in apologies:
        assert event.data["form"] == "04" and event.comment
        assert dt.datetime.fromisoformat(event.data["new_due_at"]) > dt.datetime.fromisoformat(
            event.data["old_due_at"]
        )
        assert (
            event.dossier.original_due_at is not None and event.dossier.due_at > event.dossier.original_due_at
        )
    assert selectors.public_apologies(limit=5)


def test_histories_are_ordered_and_end_in_the_dossiers_status(generated):
    for dossier in Dossier.objects.filter(idempotency_key__startswith="syn:").prefetch_related("events")[
        :200
    ]:
        events = sorted(dossier.events.all(), key=lambda e: (e.at, e.id))
        assert [e.id for e in events] == sorted(e.id for e in events)
        assert all(a.at <= b.at for a, b in zip(events, events[1:], strict=False))
        if events:
            assert events[-1].to_status == dossier.status
        if dossier.status == Status.RETURNED:
            assert {"receive", "issue_result", "return_result"} <= {e.action for e in events}
        assert dossier.submitted_at <= AS_OF
        assert all(e.at <= AS_OF for e in events)


def test_codes_are_valid_and_the_daily_counters_are_past_them(generated):
    dossier = Dossier.objects.filter(idempotency_key__startswith="syn:").order_by("-submitted_at").first()
    assert codes.is_valid_code(dossier.code)
    day = dt.datetime.strptime(dossier.code.split("-")[1], "%y%m%d").date()
    used = Dossier.objects.filter(code__startswith=dossier.code.rsplit("-", 1)[0] + "-").count()
    counter = DossierCodeSequence.objects.get(agency=dossier.receiving_agency, day=day)
    assert counter.last >= used
    # A real submission that day gets the next free number, not a synthetic one.
    new = codes.new_code(dossier.receiving_agency, day)
    assert not Dossier.objects.filter(code=new).exists()


def test_citizens_are_verified_and_public_tracking_finds_their_dossiers(generated):
    citizens = User.objects.filter(username__startswith="syn-c")
    assert citizens.count() == synthetic._citizen_count(N)
    assert set(citizens.values_list("assurance_level", flat=True)) == {2}
    assert all(len(pid) == 12 and pid.isdigit() for pid in citizens.values_list("personal_id", flat=True))
    assert User.objects.filter(username__startswith="syn-o", is_officer=True, roles__isnull=False).exists()
    dossier = Dossier.objects.exclude(code=None).first()
    found = selectors.track(dossier.code, dossier.tracking_pin)
    assert found is not None and found.code == dossier.code
    assert selectors.track(dossier.code, "000000" if dossier.tracking_pin != "000000" else "111111") is None


def test_the_command_reports_what_it_did(capsys):
    call_command("generate", dossiers=40, seed=3, procedures=P)
    assert "Generated" in capsys.readouterr().out
    call_command("generate", dossiers=40, seed=3, procedures=P)
    assert "nothing to do" in capsys.readouterr().out


def test_the_command_refuses_a_production_database(settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", "motcua")
    with pytest.raises(CommandError, match="allow-production"):
        call_command("generate", dossiers=10, seed=3, verbosity=0)
    assert Dossier.objects.count() == 0


def test_the_command_rejects_zero_dossiers():
    with pytest.raises(CommandError):
        call_command("generate", dossiers=0, seed=3, verbosity=0)
