"""The site frame (header, menu, footer) is cached per language; nothing personal is cached."""

import re

import pytest
from django.db import connection

from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db


def _switch_form(html: str) -> str:
    return re.search(r'<form class="lang-switch".*?</form>', html, re.S).group(0)


def test_a_visitor_sees_the_frame_in_the_language_chosen(client):
    vietnamese = client.get("/tra-cuu/").content.decode()
    assert "Tra cứu hồ sơ" in vietnamese and "Đăng nhập" in vietnamese
    client.post("/i18n/setlang/", {"language": "en", "next": "/tra-cuu/"})
    english = client.get("/tra-cuu/").content.decode()
    assert "Track a dossier" in english and "Log in" in english
    assert "Đăng nhập" not in english  # not the Vietnamese frame cached a moment ago
    assert 'value="vi"' in _switch_form(english) and 'value="en"' not in _switch_form(english)


def test_a_logged_in_citizen_sees_their_own_menu_after_visitors_filled_the_cache(client):
    client.get("/tra-cuu/")  # a visitor's frame is now cached
    citizen = CitizenFactory(full_name="Trần Thị Bích")
    client.force_login(citizen)
    html = client.get("/tra-cuu/").content.decode()
    assert "Trần Thị Bích" in html and "Hồ sơ của tôi" in html and "Đăng xuất" in html
    assert "Đăng nhập</a>" not in html


def test_each_visitor_gets_their_own_return_path_in_the_language_switch(client):
    from django.test import Client

    first = _switch_form(client.get("/tra-cuu/?code=A").content.decode())
    second = _switch_form(Client().get("/thu-tuc/").content.decode())
    assert 'value="/tra-cuu/?code=A"' in first and 'value="/thu-tuc/"' in second


def test_the_switch_needs_no_token_even_when_the_page_came_from_the_cache():
    from django.test import Client

    Client().get("/tra-cuu/")  # someone else fills the cache
    visitor = Client(enforce_csrf_checks=True)
    form = _switch_form(visitor.get("/tra-cuu/").content.decode())
    assert "csrfmiddlewaretoken" not in form
    response = visitor.post("/i18n/setlang/", {"language": "en", "next": "/tra-cuu/"})
    assert response.status_code == 302 and response["Location"] == "/tra-cuu/"
    assert "Track a dossier" in visitor.get("/tra-cuu/").content.decode()


def test_a_public_page_without_a_form_to_post_sets_no_csrf_cookie(client):
    from django.conf import settings

    response = client.get("/tra-cuu/", {"code": "001.08.40.H53-260316-0001", "pin": "123456"})
    assert settings.CSRF_COOKIE_NAME not in response.cookies


def test_the_switch_still_refuses_a_language_the_site_does_not_offer(client):
    client.post("/i18n/setlang/", {"language": "fr", "next": "/tra-cuu/"})
    assert "Tra cứu hồ sơ" in client.get("/tra-cuu/").content.decode()


def test_the_switch_does_not_send_a_visitor_to_another_site(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil.example" not in response["Location"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_public_tracking_statements_are_prepared_once_per_connection(client):
    from motcua.dossiers import selectors

    selectors.track("001.08.40.H53-260316-0001", "123456")
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("d.code = $1" in statement for statement in prepared), prepared
