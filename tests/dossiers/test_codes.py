"""Dossier codes: format of Circular 01/2018 Art. 19 and an atomic per-agency daily sequence."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from motcua.dossiers import codes
from motcua.dossiers.models import DossierCodeSequence
from tests.factories import AgencyFactory


@pytest.mark.django_db
def test_first_code_of_the_day_ends_in_0001():
    agency = AgencyFactory(code="001.08.40.H53")
    assert codes.new_code(agency, dt.date(2026, 11, 28)) == "001.08.40.H53-261128-0001"
    assert codes.new_code(agency, dt.date(2026, 11, 28)) == "001.08.40.H53-261128-0002"


@pytest.mark.django_db
def test_each_agency_and_day_counts_separately():
    a, b = AgencyFactory(), AgencyFactory()
    day = dt.date(2026, 11, 28)
    codes.new_code(a, day)
    assert codes.new_code(b, day).endswith("-0001")
    assert codes.new_code(a, day + dt.timedelta(days=1)).endswith("-0001")


@pytest.mark.django_db
def test_the_sequence_stops_at_9999():
    agency = AgencyFactory()
    day = dt.date(2026, 11, 28)
    DossierCodeSequence.objects.create(agency=agency, day=day, last=9999)
    with pytest.raises(codes.SequenceExhausted):
        codes.new_code(agency, day)


@pytest.mark.django_db(transaction=True)
def test_32_concurrent_codes_are_all_different():
    agency = AgencyFactory()
    day = dt.date(2026, 11, 28)
    barrier = threading.Barrier(32)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                results.append(codes.new_code(agency, day))
        except Exception as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(int(c.rsplit("-", 1)[1]) for c in results) == list(range(1, 33))
    assert DossierCodeSequence.objects.get(agency=agency, day=day).last == 32


@given(
    st.from_regex(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}", fullmatch=True),
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.integers(min_value=1, max_value=9999),
)
def test_formatted_codes_are_valid(agency_code, day, sequence):
    class A:
        code = agency_code

    code = codes.format_code(A, day, sequence)
    assert codes.is_valid_code(code)
    assert code.startswith(agency_code + "-")


@given(st.from_regex(r"[0-9]{6}", fullmatch=True))
def test_the_day_check_accepts_exactly_the_days_strptime_reads(day):
    # ASCII digits: strptime also reads some other scripts' digits, which codes never contain.
    try:
        dt.datetime.strptime(day, "%y%m%d")
        real = True
    except ValueError:
        real = False
    assert codes.is_valid_code(f"001.08.40.H53-{day}-0001") is real


@given(
    st.from_regex(r"[0-9]{6}", fullmatch=True),
    st.integers(min_value=0, max_value=5),
    st.sampled_from("٠١٢٣٤٥٦٧٨٩๐๑๒๓०१२३"),
)
def test_a_day_with_another_scripts_digit_is_refused(day, position, digit):
    day = day[:position] + digit + day[position + 1 :]
    assert not codes.is_valid_code(f"001.08.40.H53-{day}-0001")


@pytest.mark.parametrize("day", ["000229", "960229", "240229"])
def test_leap_days_are_real_days(day):
    assert codes.is_valid_code(f"001.08.40.H53-{day}-0001")


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "abc",
        "001.08.40.H53-261328-0001",
        "001.08.40.H53-250229-0001",  # no 29 February in 2025
        "001.08.40.H53-261100-0001",
        "001.08.40.H53-261128-0000",
        "001.08.40.H53-261128-12345",
        "1.08.40.H53-261128-0001",
        "001.08.40.H53-261128-0001\n",
        "001.08.40.H53-261128-٠٠٠١",  # Arabic-Indic digits
    ],
)
def test_malformed_codes_are_invalid(bad):
    assert not codes.is_valid_code(bad)


def test_pins_are_six_digits():
    assert all(len(p) == 6 and p.isdigit() for p in (codes.new_pin() for _ in range(200)))
