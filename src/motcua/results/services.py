"""Writes for results: issue the signed result PDF of a dossier, revoke it.

:func:`issue_result` does not change the dossier's status: the lifecycle's ``issue_result``
action calls it inside its own transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, select_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.core import audit
from motcua.dossiers.models import Dossier
from motcua.results import signing
from motcua.results.models import Result

DEFAULT_TEMPLATE = "results/result.html"
PROCEDURE_TEMPLATE = "results/procedures/{code}.html"


class ResultError(Exception):
    """The result cannot be issued or revoked; ``message`` says why and what to do."""

    def __init__(self, message: str):
        self.message = str(message)
        super().__init__(self.message)


def new_token() -> str:
    """An unguessable verification code: 192 random bits, URL-safe (32 characters)."""
    return secrets.token_urlsafe(24)


def verification_url(token: str) -> str:
    base = getattr(settings, "MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}/xac-thuc/{token}/"


def _qr_svg_data_uri(text: str) -> str:
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=4, border=2)


def _issuing_agency(dossier: Dossier):
    return dossier.competent_agency or dossier.receiving_agency


def _next_number(dossier: Dossier) -> str:
    base = f"KQ-{dossier.code}"
    previous = Result.objects.filter(dossier=dossier).count()
    return base if previous == 0 else f"{base}-{previous + 1}"


def _template_for(dossier: Dossier, template: str | None):
    if template:
        return get_template(template)
    code = dossier.procedure_version.procedure.code
    return select_template([PROCEDURE_TEMPLATE.format(code=code), DEFAULT_TEMPLATE])


def _summary(dossier: Dossier) -> list:
    from motcua.dossiers.eforms import EForm

    prefilled = {k: dossier.form_data.get(k) for k in dossier.prefilled_fields}
    try:
        eform = EForm(dossier.procedure_version.form_spec or {}, prefilled=prefilled)
        return eform.summary(dossier.form_data)
    except Exception as exc:  # a broken form spec must not block the result silently
        raise ResultError(
            _("The form answers of this dossier cannot be read. (%(error)s)") % {"error": exc}
        ) from exc


def result_context(
    *, dossier: Dossier, number: str, title: str, agency, token: str, signer_name: str, issued_at
):
    url = verification_url(token)
    return {
        "dossier": dossier,
        "version": dossier.procedure_version,
        "agency": agency,
        "parent_agency": agency.parent if agency else None,
        "applicant": dossier.applicant,
        "applicant_name": dossier.applicant.full_name or dossier.applicant.get_username(),
        "title": title,
        "number": number,
        "steps": _summary(dossier),
        "issued_at": timezone.localtime(issued_at),
        "signer_name": signer_name,
        "verification_url": url,
        "verification_token": token,
        "qr": _qr_svg_data_uri(url),
    }


def render_result_pdf(context: dict, template) -> bytes:
    """The unsigned result PDF. Official documents are always in Vietnamese."""
    from weasyprint import HTML

    with translation.override("vi"):
        html = template.render(context)
    return HTML(string=html).write_pdf()


def _storage_name(number: str, sha256: str, when: dt.datetime) -> str:
    return f"results/{when:%Y/%m}/{number}-{sha256[:16]}.pdf"


def issue_result(*, dossier: Dossier, actor, template: str | None = None) -> Result:
    """Render, sign and store the result of ``dossier``; the new :class:`Result`.

    A dossier has at most one valid result: if it has one, that one is returned (a retry
    returns the first result); revoke it to issue a new one. Raises :class:`ResultError` when
    the dossier has no code or agency, the template is missing, or signing fails — then
    nothing is stored (no row, no file).
    """
    existing = Result.objects.filter(dossier=dossier, revoked_at__isnull=True).first()
    if existing is not None:
        return existing
    if not dossier.code:
        raise ResultError(_("The dossier has not been received yet: it has no code."))
    agency = _issuing_agency(dossier)
    if agency is None:
        raise ResultError(_("The dossier has no competent agency to issue the result."))
    version = dossier.procedure_version
    title = (version.result_type or version.name).strip()[:500]
    signer_name = (getattr(actor, "full_name", "") or (actor.get_username() if actor else "") or agency.name)[
        :200
    ]
    number = _next_number(dossier)
    token = new_token()
    issued_at = timezone.now()
    try:
        tpl = _template_for(dossier, template)
    except TemplateDoesNotExist as exc:
        raise ResultError(_("The result template %(name)s does not exist.") % {"name": exc}) from exc
    context = result_context(
        dossier=dossier,
        number=number,
        title=title,
        agency=agency,
        token=token,
        signer_name=signer_name,
        issued_at=issued_at,
    )
    pdf = render_result_pdf(context, tpl)
    try:
        signed = signing.sign_pdf(
            pdf,
            reason=_("Result of dossier %(code)s") % {"code": dossier.code},
            location=agency.name,
            signer_name=signer_name,
        )
        facts = signing.signature_facts(signed)
    except signing.SigningError as exc:
        raise ResultError(exc.message) from exc
    digest = hashlib.sha256(signed).hexdigest()
    stored = default_storage.save(_storage_name(number, digest, issued_at), ContentFile(signed))
    try:
        with transaction.atomic():
            result = Result.objects.create(
                dossier=dossier,
                number=number,
                title=title,
                file=stored,
                sha256=digest,
                size=len(signed),
                signed_at=facts.signed_at or issued_at,
                signer_name=signer_name,
                signer_agency=agency,
                certificate_subject=facts.subject[:500],
                certificate_serial=facts.serial[:80],
                certificate_fingerprint=facts.fingerprint,
                verification_token=token,
                issued_by=actor if getattr(actor, "pk", None) else None,
            )
            audit.record(
                action="results.issue",
                obj=result,
                actor=actor,
                changes={"dossier": dossier.code, "sha256": digest},
            )
    except IntegrityError as exc:
        default_storage.delete(stored)
        raise ResultError(
            _("A result for this dossier was issued at the same time. Reload the page.")
        ) from exc
    except BaseException:
        default_storage.delete(stored)
        raise
    return result


@transaction.atomic
def revoke_result(*, result: Result, actor, reason: str) -> Result:
    """Mark a result as revoked (the verification page then says so). Audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ResultError(_("Give the reason for revoking the result."))
    locked = Result.objects.select_for_update().get(pk=result.pk)
    if locked.revoked_at is not None:
        raise ResultError(_("This result has already been revoked."))
    locked.revoked_at = timezone.now()
    locked.revoked_reason = reason[:2000]
    locked.revoked_by = actor if getattr(actor, "pk", None) else None
    locked.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    audit.record(action="results.revoke", obj=locked, actor=actor, changes={"reason": locked.revoked_reason})
    return locked


def sweep_orphan_files(*, older_than: dt.timedelta = dt.timedelta(hours=1)) -> list[str]:
    """Delete stored result files no row refers to (left when an outer transaction that
    called :func:`issue_result` rolled back). Returns the deleted names."""
    deleted: list[str] = []
    cutoff = timezone.now() - older_than
    known = set(Result.objects.values_list("file", flat=True))

    def walk(folder: str):
        try:
            dirs, files = default_storage.listdir(folder)
        except (FileNotFoundError, NotImplementedError):
            return
        for name in files:
            path = f"{folder}/{name}"
            if path in known:
                continue
            try:
                modified = default_storage.get_modified_time(path)
            except (NotImplementedError, OSError):
                continue
            if modified < cutoff:
                default_storage.delete(path)
                deleted.append(path)
        for sub in dirs:
            walk(f"{folder}/{sub}")

    walk("results")
    return deleted
