"""Form 01 of Circular 03/2025/TT-VPCP — Giấy tiếp nhận hồ sơ và hẹn trả kết quả — as a PDF.

Rendered from an HTML template by WeasyPrint (DejaVu fonts carry Vietnamese), with a segno QR
code that opens the public tracking page for the dossier.
"""

from __future__ import annotations

import segno
from django.template.loader import render_to_string
from django.utils import timezone, translation

from motcua.dossiers.models import Dossier
from motcua.dossiers.notify import tracking_url


def qr_svg_data_uri(text: str) -> str:
    return segno.make(text, error="m").svg_data_uri(scale=4, border=2)


def receipt_context(dossier: Dossier) -> dict:
    version = dossier.procedure_version
    documents = {d.code: d for d in version.documents.all()}
    attachments = list(dossier.attachments.all())
    return {
        "dossier": dossier,
        "version": version,
        "agency": dossier.receiving_agency,
        "parent_agency": dossier.receiving_agency.parent if dossier.receiving_agency else None,
        "applicant": dossier.applicant,
        "rows": [
            {
                "name": documents[a.document_code].name if a.document_code in documents else a.document_code,
                "reused": a.reused,
                "file": a.original_name,
            }
            for a in attachments
        ],  # fmt: skip
        "submitted_at": timezone.localtime(dossier.submitted_at) if dossier.submitted_at else None,
        "due_at": timezone.localtime(dossier.due_at) if dossier.due_at else None,
        "qr": qr_svg_data_uri(tracking_url(dossier)),
        "tracking_url": tracking_url(dossier),
    }


def render_receipt_pdf(dossier: Dossier) -> bytes:
    """The receipt as PDF bytes. Official forms are always in Vietnamese."""
    from weasyprint import HTML

    with translation.override("vi"):
        html = render_to_string("dossiers/receipt.html", receipt_context(dossier))
    return HTML(string=html).write_pdf()
