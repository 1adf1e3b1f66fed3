"""The generic templates render Vietnamese (and English) with their documented context."""

from __future__ import annotations

import pytest
from django.template import TemplateDoesNotExist

from motcua.notifications.services import TEMPLATE_CONTEXT, render_message

from .conftest import DOSSIER_CONTEXT

CONTEXTS = {
    "dossier_submitted": DOSSIER_CONTEXT,
    "dossier_status_changed": {
        "code": "000.00.30.H53-260115-0001",
        "status_label": "Yêu cầu bổ sung hồ sơ",
        "tracking_url": "http://127.0.0.1:8000/tra-cuu/?ma=1&pin=2",
        "message": "Bổ sung bản sao Giấy chứng nhận kết hôn <có chứng thực> & tờ khai.",
    },
    "one_time_code": {"code": "908172", "minutes": 5},
}


@pytest.mark.parametrize("template", sorted(CONTEXTS))
@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_generic_template_renders_for_both_channels(template, language):
    context = CONTEXTS[template]
    subject, body = render_message(template=template, channel="email", context=context, language=language)
    assert subject and "\n" not in subject
    assert "{{" not in body and "{%" not in body
    assert "\n\n\n" not in body
    assert str(context["code"]) in body
    _, sms = render_message(template=template, channel="sms", context=context, language=language)
    assert str(context["code"]) in sms
    assert sms.isascii() and len(sms) <= 320


def test_dossier_submitted_in_vietnamese():
    subject, body = render_message(template="dossier_submitted", channel="email", context=DOSSIER_CONTEXT)
    assert subject == "Hồ sơ 000.00.30.H53-260115-0001 đã được nộp thành công"
    for line in (
        "Thủ tục: Đăng ký khai sinh",
        "Mã tra cứu (PIN): 483920",
        "Ngày hẹn trả kết quả dự kiến: 20/01/2026",
        DOSSIER_CONTEXT["tracking_url"],
        "Cổng Dịch vụ công tỉnh Tây Ninh",
    ):
        assert line in body
    _, sms = render_message(template="dossier_submitted", channel="sms", context=DOSSIER_CONTEXT)
    assert sms.startswith("Ho so 000.00.30.H53-260115-0001 da nop thanh cong. Ma tra cuu: 483920.")


def test_an_empty_due_date_leaves_out_its_line():
    _, body = render_message(
        template="dossier_submitted", channel="email", context={**DOSSIER_CONTEXT, "due_date": ""}
    )
    assert "hẹn trả" not in body.split("Mã tra cứu (PIN)")[1].split("Ông/Bà theo dõi")[0]


def test_text_is_not_html_escaped():
    _, body = render_message(
        template="dossier_status_changed", channel="email", context=CONTEXTS["dossier_status_changed"]
    )
    assert "<có chứng thực> & tờ khai" in body
    assert "?ma=1&pin=2" in body


def test_the_status_message_is_optional():
    context = {k: v for k, v in CONTEXTS["dossier_status_changed"].items() if k != "message"}
    _, body = render_message(template="dossier_status_changed", channel="email", context=context)
    assert "Nội dung" not in body
    _, sms = render_message(template="dossier_status_changed", channel="sms", context=context)
    assert (
        sms
        == "Ho so 000.00.30.H53-260115-0001: Yeu cau bo sung ho so. Chi tiet tai http://127.0.0.1:8000/tra-cuu/?ma=1&pin=2"
    )


def test_sms_keeps_diacritics_when_the_gateway_takes_unicode(monkeypatch):
    monkeypatch.setenv("MOTCUA_SMS_ASCII", "false")
    _, sms = render_message(template="one_time_code", channel="sms", context=CONTEXTS["one_time_code"])
    assert sms == "908172 là mã xác thực của Ông/Bà, hiệu lực 5 phút. Không cung cấp mã này cho bất kỳ ai."


def test_sms_is_capped(monkeypatch):
    monkeypatch.setenv("MOTCUA_SMS_MAX_LENGTH", "60")
    _, sms = render_message(template="dossier_submitted", channel="sms", context=DOSSIER_CONTEXT)
    assert len(sms) <= 60 and sms.endswith("...")


def test_contracts_and_unknown_templates():
    assert set(CONTEXTS) <= set(TEMPLATE_CONTEXT)
    with pytest.raises(ValueError, match="minutes"):
        render_message(template="one_time_code", channel="email", context={"code": "1"})
    with pytest.raises(TemplateDoesNotExist):
        render_message(template="no_such_template", channel="email", context={})
