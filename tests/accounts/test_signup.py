"""Sign-up with personal ID number and password, confirmed by a 6-digit code sent by e-mail or
SMS: the account exists only once the code is entered."""

from __future__ import annotations

import datetime
import logging
import re
from html import escape

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from motcua.accounts import otp
from motcua.accounts.models import OneTimeCode, SignupRequest, User
from motcua.core.models import AuditRecord
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db

NUMBER = "072090123456"
GOOD = {
    "personal_id": "072 090 123 456",
    "full_name": "  Phạm   Thị Hoa ",
    "contact": "hoa@example.org",
    "password1": "Lua-nep-2026!",
    "password2": "Lua-nep-2026!",
}


def vi(message: str) -> str:
    with translation.override("vi"):
        return escape(gettext(message))


def sign_up(client, **changes):
    return client.post("/tai-khoan/dang-ky/", {**GOOD, **changes})


def deliver_queued() -> None:
    """Run the deliveries the requests queued, as ``motcua worker`` does (nothing is sent in a request)."""
    from motcua.notifications.models import Notification
    from motcua.notifications.tasks import deliver

    for pk in Notification.objects.filter(status="queued").values_list("pk", flat=True):
        deliver(pk)


def outbox():
    deliver_queued()
    return mail.outbox


def last_code() -> str:
    return re.search(r"\b(\d{6})\b", outbox()[-1].body).group(1)


def enter(client, code):
    return client.post("/tai-khoan/xac-minh/", {"code": code})


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_the_page_works_without_javascript(client):
    response = client.get("/tai-khoan/dang-ky/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("personal_id", "full_name", "contact", "password1", "password2"):
        assert f'name="{name}"' in html
    assert 'href="/tai-khoan/vneid/' in html  # VNeID is offered first


def test_happy_path_with_an_email_code(client):
    response = sign_up(client, next="/thu-tuc/")
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/xac-minh/"
    assert not User.objects.filter(personal_id=NUMBER).exists(), "no account before the code"
    assert len(outbox()) == 1
    message = outbox()[0]
    assert message.to == ["hoa@example.org"]
    code = last_code()
    stored = OneTimeCode.objects.get()
    assert code not in stored.code_hash and otp.code_matches(code, stored.code_hash)

    page = client.get("/tai-khoan/xac-minh/").content.decode()
    assert "h***@example.org" in page and "hoa@example.org" not in page

    response = enter(client, f"{code[:3]} {code[3:]}")
    assert response.status_code == 302
    assert response["Location"] == "/thu-tuc/"
    user = User.objects.get(personal_id=NUMBER)
    assert user.username == NUMBER
    assert user.full_name == "Phạm Thị Hoa"
    assert user.email == "hoa@example.org"
    assert user.assurance_level == 1 and user.is_active
    assert user.check_password("Lua-nep-2026!")
    assert int(client.session[SESSION_KEY]) == user.pk
    assert SignupRequest.objects.get().completed_at is not None
    record = AuditRecord.objects.get(action="accounts.signup_verified")
    assert record.changes == {"channel": "email"}
    assert AuditRecord.objects.filter(action="accounts.citizen_created").exists()
    # The code is used: entering it again does nothing.
    client.logout()
    assert enter(client, code)["Location"] == "/tai-khoan/dang-ky/"


def test_an_sms_code_goes_to_the_console_logger(client, caplog):
    response = sign_up(client, contact="+84 91 234 5678")
    assert response.status_code == 302
    assert not [r for r in caplog.records if r.name == "motcua.sms"], "nothing is sent from the request"
    with caplog.at_level(logging.INFO, logger="motcua.sms"):
        assert outbox() == []
    records = [r for r in caplog.records if r.name == "motcua.sms"]
    assert len(records) == 1
    text = records[0].getMessage()
    assert "0912345678" not in text  # the console masks the number
    code = re.search(r"\b(\d{6})\b", text).group(1)
    assert enter(client, code).status_code == 302
    assert User.objects.get(personal_id=NUMBER).phone == "0912345678"


def test_a_wrong_code_says_how_many_tries_are_left(client):
    sign_up(client)
    response = enter(client, wrong(last_code()))
    assert response.status_code == 400
    assert "4" in response.context["form"].errors["code"][0]
    assert OneTimeCode.objects.get().attempts == 1
    assert not User.objects.filter(personal_id=NUMBER).exists()
    html = response.content.decode()
    assert 'class="error-summary"' in html and 'href="#id_code"' in html
    assert 'aria-invalid="true"' in html


def test_a_code_that_is_not_six_digits(client):
    sign_up(client)
    response = enter(client, "12ab")
    assert response.status_code == 400
    assert OneTimeCode.objects.get().attempts == 0


def test_an_expired_code(client):
    sign_up(client)
    code = last_code()
    OneTimeCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = enter(client, code)
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()["code"][0].code == "expired"
    assert not User.objects.filter(personal_id=NUMBER).exists()


def test_the_code_expires_after_ten_minutes(client):
    sign_up(client)
    stored = OneTimeCode.objects.get()
    assert stored.expires_at - stored.created_at == datetime.timedelta(minutes=10)


def test_too_many_attempts(client):
    sign_up(client)
    code = last_code()
    for _ in range(4):
        assert enter(client, wrong(code)).context["form"].errors.as_data()["code"][0].code == "wrong_code"
    fifth = enter(client, wrong(code))
    assert fifth.context["form"].errors.as_data()["code"][0].code == "too_many_attempts"
    # Even the right code no longer works.
    response = enter(client, code)
    assert response.context["form"].errors.as_data()["code"][0].code == "too_many_attempts"
    assert OneTimeCode.objects.get().attempts == 5
    assert not User.objects.filter(personal_id=NUMBER).exists()


def test_resend_is_throttled_then_replaces_the_code(client):
    sign_up(client)
    first = last_code()
    response = client.post("/tai-khoan/xac-minh/gui-lai/", follow=True)
    assert len(outbox()) == 1, "no second code within 60 seconds"
    messages = [str(m) for m in response.context["messages"]]
    assert any(re.search(r"\b(59|60)\b", m) for m in messages), messages

    OneTimeCode.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=61))
    response = client.post("/tai-khoan/xac-minh/gui-lai/")
    assert response["Location"] == "/tai-khoan/xac-minh/"
    assert len(outbox()) == 2
    second = last_code()
    if second != first:
        assert enter(client, first).status_code == 400, "the earlier code stops working"
    assert enter(client, second).status_code == 302
    assert User.objects.filter(personal_id=NUMBER).exists()


def test_resend_has_a_ceiling(client, settings):
    settings.MOTCUA_OTP_RESEND_SECONDS = 0
    sign_up(client)
    for _ in range(4):
        client.post("/tai-khoan/xac-minh/gui-lai/")
    assert len(outbox()) == 5
    client.post("/tai-khoan/xac-minh/gui-lai/")
    assert len(outbox()) == 5


def test_resend_needs_post(client):
    sign_up(client)
    assert client.get("/tai-khoan/xac-minh/gui-lai/").status_code == 405


def test_verify_without_a_sign_up_goes_back_to_the_form(client):
    response = client.get("/tai-khoan/xac-minh/")
    assert response["Location"] == "/tai-khoan/dang-ky/"


def test_a_registered_personal_id_is_refused(client):
    CitizenFactory(personal_id=NUMBER)
    response = sign_up(client)
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()["personal_id"][0].code == "duplicate"
    assert outbox() == []
    assert SignupRequest.objects.count() == 0


def test_an_account_made_meanwhile_is_reported_at_the_code_step(client):
    sign_up(client)
    code = last_code()
    CitizenFactory(personal_id=NUMBER)  # e.g. a VNeID login in the meantime
    response = enter(client, code)
    assert response.status_code == 400
    assert (
        vi(
            "An account with this personal ID number already exists. Log in, or reset the password if you have forgotten it."
        )
        in response.content.decode()
    )


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("12345678", "password_entirely_numeric"),
        ("short1!", "password_too_short"),
        ("password123", "password_too_common"),
        ("072090123456a", "password_too_similar"),
    ],
)
def test_a_weak_password_is_refused(client, password, code):
    response = sign_up(client, password1=password, password2=password)
    assert response.status_code == 400
    codes = [e.code for e in response.context["form"].errors.as_data()["password1"]]
    assert code in codes
    assert outbox() == []


def test_the_two_passwords_must_match(client):
    response = sign_up(client, password2="Lua-nep-2027!")
    assert response.context["form"].errors.as_data()["password2"][0].code == "password_mismatch"


def test_an_invalid_personal_id_is_explained(client):
    response = sign_up(client, personal_id="003299000001")
    codes = [e.code for e in response.context["form"].errors.as_data()["personal_id"]]
    assert codes == ["province", "future_birth_year"]
    html = response.content.decode()
    assert 'href="#id_personal_id"' in html
    assert 'value="Phạm Thị Hoa"' in html or 'value="  Phạm   Thị Hoa "' in html, "entered data is kept"


@pytest.mark.parametrize("contact", ["", "12345", "hoa@", "0212345678"])
def test_a_contact_that_is_neither_phone_nor_email(client, contact):
    response = sign_up(client, contact=contact)
    assert response.status_code == 400
    assert "contact" in response.context["form"].errors


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("0912345678", "0912345678"), ("091 234 5678", "0912345678"), ("+84912345678", "0912345678"),
     ("84912345678", "0912345678"), ("0912.345.678", "0912345678"), ("02763123456", None), ("091234567", None)],
)  # fmt: skip
def test_phone_numbers(typed, expected):
    assert otp.normalise_phone(typed) == expected


def test_a_logged_in_visitor_is_sent_on(client):
    client.force_login(CitizenFactory())
    assert client.get("/tai-khoan/dang-ky/").status_code == 302


def test_old_unfinished_sign_ups_are_cleaned_up(client):
    sign_up(client)
    SignupRequest.objects.update(created_at=timezone.now() - datetime.timedelta(days=2))
    sign_up(client, personal_id="072090123457")
    assert list(SignupRequest.objects.values_list("personal_id", flat=True)) == ["072090123457"]
