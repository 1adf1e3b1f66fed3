"""The officer's queues stay index-backed at province scale (docs/performance.md).

At a million dossiers a queue query that scans the dossier table costs ~350 ms and the queue
page runs seven of them; these tests keep the shape that PostgreSQL serves from the
(agency, status, due_at) indexes.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from motcua.desk import selectors
from motcua.dossiers.backoffice import FINAL
from motcua.dossiers.models import Dossier, Status
from tests.factories import OfficerRoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree):
    return OfficerRoleFactory(agency=tree["one_stop"], role="desk_officer").user


@pytest.fixture
def one_of_each(tree, version, citizen):
    """One dossier in every state at the officer's centre, all past due."""
    due = timezone.now() - dt.timedelta(days=1)
    return {
        status: Dossier.objects.create(
            code=f"001.08.40.H53-260316-{n + 1:04d}" if status != Status.DRAFT else None,
            procedure_version=version,
            applicant=citizen,
            receiving_agency=tree["one_stop"],
            competent_agency=tree["commune_pc"],
            status=status,
            due_at=due,
        )
        for n, status in enumerate(Status.values)
    }


def test_open_states_are_every_state_but_drafts_and_final_ones():
    assert set(selectors.OPEN) == set(Status.values) - set(FINAL) - {Status.DRAFT}


def test_the_agency_and_late_queues_hold_exactly_the_open_dossiers(officer, one_of_each):
    agency = {d.status for d in selectors.queue(officer, "agency")}
    assert agency == set(selectors.OPEN) - {Status.SUBMITTED}
    late = {d.status for d in selectors.queue(officer, "late")}
    assert late == set(selectors.OPEN)
    assert selectors.counts(officer)["late"] == len(selectors.OPEN)


def test_the_queue_page_runs_a_fixed_number_of_queries(
    client, officer, one_of_each, settings, django_assert_num_queries
):
    settings.MOTCUA_OFFICER_OTP_REQUIRED = False
    client.force_login(officer)
    client.get("/mot-cua/?hang=agency")  # warm the session and caches
    # session, user, roles, visible agencies (once, not once per queue), the page's ids, its
    # rows, and the six tab counts in two statements
    with django_assert_num_queries(8) as ctx:
        assert client.get("/mot-cua/?hang=agency").status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    ids = [sql for sql in sqls if "LIMIT" in sql and "dossiers_dossier" in sql]
    assert ids and ids[0].startswith('SELECT "dossiers_dossier"."id" AS "pk" FROM'), "the page's ids alone"
    rows = [sql for sql in sqls if '"dossiers_dossier"."id" IN (' in sql]
    assert rows, "the page of rows"
    for heavy in ("form_spec", "form_data", "search_text"):
        assert heavy not in rows[0], heavy  # decoded for every row and never shown
    assert sum(sql.count("COUNT(") for sql in sqls) == 12  # six numbers in each of two statements


def test_the_tab_counts_are_the_lengths_of_the_queues(officer, one_of_each, tree, version, citizen):
    # and a dossier received elsewhere but transferred to the officer's commune counted once
    Dossier.objects.create(
        code="001.99.40.H53-260316-0001",
        procedure_version=version,
        applicant=citizen,
        receiving_agency=tree["centre"],
        competent_agency=tree["one_stop"],
        status=Status.RECEIVED,
        due_at=timezone.now() + dt.timedelta(hours=5),
        assigned_to=officer,
    )
    now = timezone.now()
    assert selectors.counts(officer, now=now) == {
        name: selectors.queue(officer, name, now=now).count() for name in selectors.QUEUES
    }


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="query plans are PostgreSQL's")
def test_no_queue_query_scans_the_dossier_table(officer, one_of_each):
    """With sequential scans priced out, every queue and count must reach the dossiers through the
    agency indexes; the old shape (``IN (subquery) OR IN (subquery)``) could only filter."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for name in selectors.QUEUES:
            for qs in (selectors.queue(officer, name, now=now)[:51], selectors.queue(officer, name, now=now)):
                sql, params = (qs.query if qs.query.is_sliced else qs.order_by().query).sql_with_params()
                if not qs.query.is_sliced:
                    sql = f"SELECT COUNT(*) FROM ({sql}) AS counted"
                cursor.execute("EXPLAIN " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                assert "Seq Scan on dossiers_dossier" not in plan, (name, plan)
                # The officer's agencies are constants the agency indexes can take, not a
                # subquery each row is checked against.
                assert "SubPlan" not in plan, (name, plan)
        for sql in _count_statements(officer, now):
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Seq Scan on dossiers_dossier" not in plan, plan


def _count_statements(officer, now) -> list[str]:
    from django.test.utils import CaptureQueriesContext

    selectors.counts(officer, now=now)  # the officer's agencies are now known
    with CaptureQueriesContext(connection) as ctx:
        selectors.counts(officer, now=now)
    return [q["sql"] for q in ctx.captured_queries]
