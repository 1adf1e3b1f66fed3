"""What citizens are told about their dossiers, queued in the writing transaction (the outbox)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers.models import Dossier


def tracking_url(dossier: Dossier) -> str:
    base = getattr(settings, "MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}{reverse('dossiers:track')}?code={dossier.code}"


def dossier_submitted(dossier: Dossier) -> None:
    from motcua.notifications.services import notify

    applicant = dossier.applicant
    notify(
        channels=("email", "sms"),
        email=applicant.email or "",
        phone=applicant.phone or "",
        template="dossier_submitted",
        context={
            "code": dossier.code,
            "procedure_name": dossier.procedure_version.name,
            "due_date": timezone.localtime(dossier.due_at).strftime("%d/%m/%Y") if dossier.due_at else "",
            "tracking_url": tracking_url(dossier),
            "pin": dossier.tracking_pin,
        },
        related_type="dossiers.dossier",
        related_id=str(dossier.pk),
    )


def dossier_status_changed(dossier: Dossier, *, message: str = "") -> None:
    from motcua.notifications.services import notify

    applicant = dossier.applicant
    notify(
        channels=("email", "sms"),
        email=applicant.email or "",
        phone=applicant.phone or "",
        template="dossier_status_changed",
        context={
            "code": dossier.code,
            "status_label": str(dossier.get_status_display()),
            "tracking_url": tracking_url(dossier),
            "message": message,
        },
        related_type="dossiers.dossier",
        related_id=str(dossier.pk),
    )
