"""Admin for the yearly schedule (DayOverride) and office hours (CalendarSettings)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from motcua.core.calendar_models import CalendarSettings, DayOverride


@pytest.fixture
def admin_client(admin_client):
    """These tests read the admin in English: the visitor chose it with the language switch."""
    from django.conf import settings

    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return admin_client


pytestmark = pytest.mark.django_db

ADD_URL = "/admin/core/dayoverride/add/"
LIST_URL = "/admin/core/dayoverride/"


def post_override(admin_client, day: dt.date, kind: str, reason="Lịch nghỉ", source="Công văn"):
    return admin_client.post(
        ADD_URL,
        {"date": day.isoformat(), "kind": kind, "reason": reason, "source": source},
        follow=True,
    )


def test_changelist_filters_by_year(admin_client):
    response = admin_client.get(LIST_URL, {"year": "2026"})
    assert response.status_code == 200
    shown = {obj.date for obj in response.context["cl"].result_list}
    assert shown == {dt.date(2026, 1, 2), dt.date(2026, 1, 10), dt.date(2026, 8, 22), dt.date(2026, 8, 31)}
    content = response.content.decode()
    assert "?year=2025" in content  # the filter offers every year present
    all_rows = admin_client.get(LIST_URL).context["cl"].result_count
    assert all_rows == DayOverride.objects.count()


def test_changelist_shows_the_default_status(admin_client):
    content = admin_client.get(LIST_URL, {"year": "2026"}).content.decode()
    assert "Public holiday: Day off (substituted from 08/22/2026)" in content  # 31/08/2026
    assert "Weekly day off" in content  # Saturdays 10/01 and 22/08


def test_compensating_saturday_is_accepted(admin_client):
    response = post_override(admin_client, dt.date(2027, 1, 9), "working_day")
    assert response.status_code == 200
    assert DayOverride.objects.filter(date=dt.date(2027, 1, 9), kind="working_day").exists()


def test_working_day_on_a_working_day_is_refused(admin_client):
    response = post_override(admin_client, dt.date(2027, 3, 2), "working_day")
    assert not DayOverride.objects.filter(date=dt.date(2027, 3, 2)).exists()
    errors = response.context["adminform"].form.errors
    assert "already a working day" in errors["kind"][0]
    assert "02/03/2027" in errors["kind"][0]


def test_day_off_on_a_weekend_is_refused(admin_client):
    response = post_override(admin_client, dt.date(2027, 3, 6), "day_off")
    assert not DayOverride.objects.filter(date=dt.date(2027, 3, 6)).exists()
    assert "already a weekly day off" in response.context["adminform"].form.errors["kind"][0]


def test_day_off_on_a_public_holiday_is_kept_with_a_warning(admin_client):
    response = post_override(admin_client, dt.date(2027, 9, 2), "day_off")
    assert DayOverride.objects.filter(date=dt.date(2027, 9, 2)).exists()
    texts = [str(message) for message in response.context["messages"]]
    assert any("already a public holiday" in text for text in texts)


def test_duplicate_date_is_refused(admin_client):
    response = post_override(admin_client, dt.date(2026, 8, 22), "working_day")
    assert "date" in response.context["adminform"].form.errors
    assert DayOverride.objects.filter(date=dt.date(2026, 8, 22)).count() == 1


def test_model_validation_without_admin():
    DayOverride(date=dt.date(2027, 3, 3), kind="day_off", reason="Nghỉ bù").full_clean()
    with pytest.raises(ValidationError) as excinfo:
        DayOverride(date=dt.date(2027, 3, 3), kind="working_day", reason="x").full_clean()
    assert "kind" in excinfo.value.message_dict


def test_settings_are_a_single_row_and_validated(admin_client):
    row = CalendarSettings.objects.get()
    assert admin_client.get("/admin/core/calendarsettings/add/").status_code == 403
    url = f"/admin/core/calendarsettings/{row.pk}/change/"
    response = admin_client.post(
        url,
        {
            "morning_start": "11:00",
            "morning_end": "07:00",
            "afternoon_start": "13:30",
            "afternoon_end": "17:00",
            "cutoff": "15:00",
        },
    )
    assert response.status_code == 200
    assert "morning_end" in response.context["adminform"].form.errors
    row.refresh_from_db()
    assert row.morning_start == dt.time(7, 0)
    response = admin_client.post(
        url,
        {
            "morning_start": "07:30",
            "morning_end": "11:30",
            "afternoon_start": "13:00",
            "afternoon_end": "16:30",
            "cutoff": "16:00",
        },
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.afternoon_end == dt.time(16, 30)


def test_settings_cutoff_outside_office_hours_is_refused():
    row = CalendarSettings(cutoff=dt.time(18, 0))
    with pytest.raises(ValidationError) as excinfo:
        row.full_clean()
    assert "cutoff" in excinfo.value.message_dict
