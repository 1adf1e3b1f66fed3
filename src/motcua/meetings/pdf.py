"""PDF work for meetings: private storage, reading uploads, the per-delegate watermark, and the
slips, attendance list and record rendered with WeasyPrint (DejaVu fonts render Vietnamese)."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape

OFFICE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def storage() -> Storage:
    """Where meeting PDFs live: never under MEDIA_ROOT, which DEBUG serves to anyone.

    ``MOTCUA_MEETINGS_ROOT`` (setting or environment variable; default: ``private-meetings``
    beside the media folder) on a file-system installation; the default (object) storage
    otherwise, whose bucket is private.
    """
    backend = settings.STORAGES["default"]["BACKEND"]
    if backend.endswith("FileSystemStorage"):
        root = (
            getattr(settings, "MOTCUA_MEETINGS_ROOT", None)
            or os.environ.get("MOTCUA_MEETINGS_ROOT")
            or Path(settings.MEDIA_ROOT).parent / "private-meetings"
        )
        return FileSystemStorage(location=str(root), base_url=None)
    return default_storage


def save(name: str, data: bytes) -> str:
    return storage().save(name, ContentFile(data))


def read(name: str) -> bytes:
    with storage().open(name, "rb") as handle:
        return handle.read()


def delete(name: str) -> None:
    storage().delete(name)


class NotAPdf(ValueError):
    pass


def page_count(data: bytes) -> int:
    """Pages of an uploaded PDF; raises :class:`NotAPdf` for anything that is not a readable PDF."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.startswith(b"%PDF"):
        raise NotAPdf("not a PDF")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise NotAPdf("encrypted")
        count = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise NotAPdf(str(exc)) from exc
    if count == 0:
        raise NotAPdf("no pages")
    return count


def render_html(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def render(template: str, context: dict) -> bytes:
    """A PDF from a template; official papers are always in Vietnamese."""
    with translation.override("vi"):
        html = render_to_string(template, context)
    return render_html(html)


@lru_cache(maxsize=64)
def _overlay(width: float, height: float, line: str) -> bytes:
    size = min(width, height)
    html = f"""<!doctype html><html><head><meta charset="utf-8"><style>
@page {{ size: {width:.2f}pt {height:.2f}pt; margin: 0 }}
html, body {{ margin: 0; background: transparent; font-family: "DejaVu Sans", sans-serif }}
.diag {{ position: absolute; left: 0; top: {height / 2 - 20:.2f}pt; width: {width:.2f}pt; text-align: center;
  transform: rotate(-35deg); font-size: {size / 22:.1f}pt; color: rgba(160, 0, 0, 0.22); white-space: nowrap }}
.foot {{ position: absolute; left: 12pt; right: 12pt; bottom: 6pt; font-size: 7pt; color: rgb(120, 0, 0) }}
</style></head><body><div class="diag">{escape(line)}</div><div class="foot">{escape(line)}</div></body></html>"""
    return render_html(html)


def watermark(data: bytes, *, line: str) -> bytes:
    """Every page of ``data`` with ``line`` stamped over it (diagonal and in the footer).

    One overlay is rendered per distinct page size and merged onto each page with pypdf.
    """
    from pypdf import PdfReader, PdfWriter, Transformation

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        if (page.get("/Rotate") or 0) % 360:
            page.transfer_rotation_to_content()
        box = page.mediabox
        width, height = float(box.width), float(box.height)
        stamp = PdfReader(io.BytesIO(_overlay(round(width, 1), round(height, 1), line))).pages[0]
        page.merge_transformed_page(stamp, Transformation().translate(float(box.left), float(box.bottom)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def watermark_line(*, name: str, meeting_code: str, at: dt.datetime, helper: str = "") -> str:
    local = at.astimezone(OFFICE_TZ)
    line = f"{name} · {meeting_code} · {local:%H:%M %d/%m/%Y}"
    return f"{line} · hỗ trợ: {helper}" if helper else line  # printed in Vietnamese, like all papers


#: Secrecy marks (Law 117/2025/QH15) as they are stamped: a line of their own on the first page.
_SECRECY_MARK = re.compile(r"^\s*(TUYỆT MẬT|TỐI MẬT|MẬT)\s*$", re.MULTILINE)


def secrecy_mark(data: bytes) -> str | None:
    """The secrecy mark stamped on the first page ("MẬT", "TỐI MẬT", "TUYỆT MẬT"), if its text
    layer shows one on a line of its own. A safety net behind the classification the organiser
    chooses; a scanned page without text is not caught."""
    import unicodedata

    from pypdf import PdfReader

    try:
        text = PdfReader(io.BytesIO(data)).pages[0].extract_text() or ""
    except Exception:  # noqa: BLE001 - an unreadable text layer is simply not a mark
        return None
    match = _SECRECY_MARK.search(unicodedata.normalize("NFC", text))
    return match.group(1) if match else None


def qr_data_uri(text: str) -> str:
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=5, border=2)
