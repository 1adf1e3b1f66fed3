"""Bench preparation inside Django: sessions, tokens, samples and the SQL the baseline replays.

Run by bench/run.py after ``motcua generate`` with DATABASE_URL pointing at the bench database.
Writes var/bench/fixture.json for the load generator and the Starlette baseline, and checks every
scenario once through Django's test client so that a broken flow fails here, not as a 100 %
error rate under load.

Officer pages need a logged-in officer whose session passed the TOTP step: this script creates
that session directly in the session store (the same keys django.contrib.auth and django-otp
write after a real login), for one synthetic desk officer of the busiest commune centre.
Citizens use the mobile API: bearer tokens issued directly with ``api_auth.issue_token``.
"""

from __future__ import annotations

import io
import json
import os
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

SUBMIT_PROCEDURE = "1.001193"  # birth registration: the most common online procedure
SEARCH_QUERIES = [
    "dang ky khai sinh",
    "giay phep xay dung",
    "ho kinh doanh",
    "chung thuc ban sao",
    "thuong tru",
    "1.001193",
    "cap lai giay chung nhan",
    "bao hiem y te",
    "ket hon",
    "xyz khong co",
]


UNIQUE_MARKER = b"MOTCUA-BENCH-UNIQUE-"  # + 32 hex digits the load replaces on every request


def pdf_of(size: int, salt: bytes) -> bytes:
    """A valid PDF of about ``size`` bytes (one page and an embedded file of random bytes).

    The embedded file starts with :data:`UNIQUE_MARKER` and 32 hex digits, stored as they are:
    the load writes a new value there for every request, so each citizen's files differ (as
    they do) and are stored, never found already there."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("scan.bin", salt + os.urandom(size))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from motcua.accounts.api_auth import issue_token
    from motcua.accounts.models import OfficerRole, User
    from motcua.dossiers import selectors
    from motcua.dossiers.models import Dossier
    from motcua.org.models import AdministrativeUnit, Agency

    out_dir = ROOT / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)

    # --- officer: the busiest commune centre --------------------------------------------------
    busiest = (
        Dossier.objects.filter(receiving_agency__kind=Agency.Kind.COMMUNE_ONE_STOP)
        .values("receiving_agency_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    centre = Agency.objects.get(pk=busiest["receiving_agency_id"])
    role = (
        OfficerRole.objects.filter(agency=centre, user__username__startswith="syn-o")
        .select_related("user")
        .first()
    )
    officer = role.user
    device, _ = TOTPDevice.objects.get_or_create(user=officer, name="bench", defaults={"confirmed": True})
    session = SessionStore()
    session[SESSION_KEY] = str(officer.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = officer.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.set_expiry(24 * 3600)
    session.create()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM dossiers_dossier WHERE receiving_agency_id = %s AND status <> 'draft' "
            "ORDER BY md5(id::text) LIMIT 500",
            [centre.pk],
        )
        officer_dossiers = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT code, tracking_pin FROM dossiers_dossier TABLESAMPLE SYSTEM (1) REPEATABLE (7) "
            "WHERE code IS NOT NULL AND status <> 'draft' LIMIT 2000"
        )
        tracking = [list(row) for row in cursor.fetchall()]

    # --- the SQL of one public tracking lookup, for the baseline to replay ------------------------
    captured: list[tuple[str, list]] = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, list(params or [])))
        return execute(sql, params, many, context)

    code, pin = tracking[0]
    sample = Dossier.objects.get(code=code)
    with connection.execute_wrapper(capture):
        assert selectors.track(code, pin) is not None
    baseline_sql = []
    for sql, params in captured:
        # Mark which parameters are the code and which the dossier id; the rest stay as they are.
        marked = ["$code" if p == code else "$id" if p == sample.pk else p for p in params]
        baseline_sql.append({"sql": sql, "params": marked})

    # --- citizens and the submission -------------------------------------------------------------
    citizens = list(User.objects.filter(username__startswith="syn-c").order_by("id")[:64])
    tokens = [issue_token(user=c, name="bench")[0] for c in citizens]
    commune_unit = (
        AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE, parent__code="80")
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    answers = {
        "nguoi_yeu_cau_ho_ten": "Trần Thị Bình",
        "nguoi_yeu_cau_so_dinh_danh": "072195012345",
        "nguoi_yeu_cau_noi_cu_tru": {
            "province": "80",
            "commune": commune_unit,
            "detail": "Số 12, ấp Bình Hòa",
        },
        "nguoi_yeu_cau_dien_thoai": "0912345678",
        "quan_he_voi_tre": "me",
        "tre_ho_ten": "Nguyễn Minh Khang",
        "tre_gioi_tinh": "nam",
        "tre_ngay_sinh": str(django.utils.timezone.localdate() - django.utils.timezone.timedelta(days=10)),
        "tre_noi_sinh": "Bệnh viện Đa khoa tỉnh Tây Ninh",
        "tre_dan_toc": "Kinh",
        "tre_que_quan": "Tây Ninh",
        "cha_me_da_ket_hon": "co",
    }
    pdfs = []
    for name in ("a", "b"):
        path = out_dir / f"bench-{name}.pdf"
        path.write_bytes(pdf_of(200_000, UNIQUE_MARKER + name.encode().hex().ljust(32, "0").encode()))
        pdfs.append(str(path))
    # Citizens file at their own commune's centre: the load spreads over all of them (one centre
    # alone would also run out of its 9,999 codes a day after a few runs). The checks below use
    # the centre that has given out the fewest codes today.
    from django.utils import timezone

    from motcua.dossiers.models import DossierCodeSequence

    centres = sorted(
        Agency.objects.filter(kind=Agency.Kind.COMMUNE_ONE_STOP, is_active=True).values_list(
            "code", flat=True
        )
    )
    used_today = dict(
        DossierCodeSequence.objects.filter(day=timezone.localdate()).values_list("agency__code", "last")
    )
    # A centre whose codes of today run short (after many runs in one day) is left out.
    centres = [code for code in centres if used_today.get(code, 0) < 9000] or centres
    filing_centre = min(centres, key=lambda code: used_today.get(code, 0))
    fixture = {
        "officer": {"username": officer.username, "centre": centre.code, "cookie": cookie},
        "officer_dossiers": officer_dossiers,
        "tracking": tracking,
        "baseline_sql": baseline_sql,
        "tokens": tokens,
        "submission": {
            "procedure": SUBMIT_PROCEDURE,
            "answers": answers,
            "documents": ["giay-chung-sinh", "giay-to-tuy-than"],
            "pdfs": pdfs,
            "agency": filing_centre,
            "agencies": centres,
        },
        "search_queries": SEARCH_QUERIES,
        "dossiers": Dossier.objects.count(),
    }

    # --- check every scenario once ----------------------------------------------------------------
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.get("/tra-cuu/", {"code": code, "pin": pin}).status_code == 200, "tracking"
    assert client.get("/thu-tuc/", {"q": "khai sinh"}).status_code == 200, "search"
    officer_client = Client(HTTP_HOST="127.0.0.1")
    officer_client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    page = officer_client.get("/mot-cua/", {"hang": "agency"})
    assert page.status_code == 200, f"officer queue: {page.status_code} {page.get('Location')}"
    assert officer_client.get(f"/mot-cua/ho-so/{officer_dossiers[0]}/").status_code == 200, "dossier page"
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {tokens[0]}")
    created = api.post(
        "/api/v1/dossiers",
        {"procedure_code": SUBMIT_PROCEDURE},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=f"bench-check-{uuid.uuid4()}",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    saved = api.patch(f"/api/v1/dossiers/{pk}/answers", {"answers": answers}, content_type="application/json")
    assert saved.status_code == 200, saved.content
    for document, path in zip(fixture["submission"]["documents"], pdfs, strict=True):
        with open(path, "rb") as fh:
            up = api.post(f"/api/v1/dossiers/{pk}/attachments", {"document_code": document, "file": fh})
        assert up.status_code == 201, up.content
    agency = api.put(
        f"/api/v1/dossiers/{pk}/receiving-agency", {"code": filing_centre}, content_type="application/json"
    )
    assert agency.status_code == 200, agency.content
    submitted = api.post(f"/api/v1/dossiers/{pk}/submit")
    assert submitted.status_code == 200, submitted.content
    form = {
        "procedure_code": SUBMIT_PROCEDURE,
        "answers": json.dumps(answers),
        "receiving_agency": filing_centre,
    }
    handles = [open(path, "rb") for path in pdfs]  # noqa: SIM115
    try:
        form.update(
            {f"documents.{d}": fh for d, fh in zip(fixture["submission"]["documents"], handles, strict=True)}
        )
        at_once = api.post("/api/v1/submissions", form, HTTP_IDEMPOTENCY_KEY=f"bench-check-{uuid.uuid4()}")
    finally:
        for fh in handles:
            fh.close()
    assert at_once.status_code == 201, at_once.content
    (out_dir / "fixture.json").write_text(json.dumps(fixture, ensure_ascii=False, default=str))
    print(
        f"fixture: officer {officer.username} at {centre.code}, {len(tracking)} tracking pairs, {len(tokens)} tokens"
    )


if __name__ == "__main__":
    main()
