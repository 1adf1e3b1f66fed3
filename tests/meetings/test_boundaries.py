"""meetings depends on core, org and accounts only (plus results.signing for the signed record);
organiser and delegate pages run a fixed number of queries however many delegates and documents."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from motcua.meetings import services
from tests.meetings.conftest import make_document

APP = Path(__file__).resolve().parents[2] / "src" / "motcua" / "meetings"
ALLOWED = ("motcua.core", "motcua.org", "motcua.accounts", "motcua.meetings", "motcua.results.signing")


def test_meetings_imports_only_what_the_design_allows():
    found = set()
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("motcua"):
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("motcua"))
    assert sorted(m for m in found if not m.startswith(ALLOWED)) == []


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_page_queries_do_not_grow_with_delegates_and_documents(client, organiser, meeting, item, members):
    client.force_login(organiser)
    _t, code = services.issue_slip(delegate=members[0], actor=organiser)
    delegate_client = client.__class__()
    delegate_client.post(reverse("meetings:code"), {"code": code})
    make_document(item, organiser, pages=1)
    manage = reverse("meetings:manage", args=[meeting.code])
    mine = reverse("meetings:delegate", args=[meeting.code])
    before = _count(client, manage), _count(delegate_client, mine)
    for n in range(8):
        services.add_delegate(meeting=meeting, full_name=f"Đại biểu {n}", actor=organiser)
        make_document(item, organiser, title=f"Tài liệu {n}", pages=1)
    after = _count(client, manage), _count(delegate_client, mine)
    assert after == before
