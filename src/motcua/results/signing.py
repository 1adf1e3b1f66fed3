"""PAdES signatures on result PDFs (pyHanko) and their verification.

:func:`sign_pdf` signs with the configured key (see :mod:`motcua.results.ca`) as PAdES B-B
(``ETSI.CAdES.detached``, SHA-256), appended as an incremental update. :func:`verify_pdf`
checks the last signature: *intact* (the signed bytes are unchanged), *valid* (the
cryptography holds), *trusted* (the certificate chains to a configured root).
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.results import ca

SIGNATURE_FIELD = "KetQuaGiaiQuyet"


class SigningError(Exception):
    """The PDF could not be signed; ``message`` says why in words for the officer."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class SignatureFacts:
    """What the embedded signature says about its certificate (read, not validated)."""

    subject: str
    serial: str
    fingerprint: str
    signed_at: dt.datetime | None


@dataclass(frozen=True)
class VerificationOutcome:
    intact: bool
    valid: bool
    trusted: bool
    signer_subject: str
    signed_at: dt.datetime | None
    message: str

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted


_cache: dict = {}
_cache_lock = threading.Lock()


def _outside_event_loop(fn, *args, **kwargs):
    """pyHanko's synchronous API calls ``asyncio.run``, which fails when this thread already runs
    an event loop (an ASGI server, or a test session with a browser driver open): run it in a
    worker thread then."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def _signer(config: ca.SigningConfig):
    from pyhanko.sign import signers

    key = (str(config.pkcs12_path), config.pkcs12_path.stat().st_mtime_ns, config.passphrase)
    with _cache_lock:
        cached = _cache.get("signer")
        if cached and cached[0] == key:
            return cached[1]
    signer = signers.SimpleSigner.load_pkcs12(str(config.pkcs12_path), passphrase=config.passphrase or None)
    if signer is None:
        raise ca.SigningConfigError("cannot load the PKCS#12 file (wrong passphrase?)")
    with _cache_lock:
        _cache["signer"] = (key, signer)
    return signer


def sign_pdf(pdf_bytes: bytes, *, reason: str, location: str, signer_name: str) -> bytes:
    """Sign ``pdf_bytes``; the signed PDF. Raises :class:`SigningError` with a clear message."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    try:
        config = ca.signing_config()
        signer = _signer(config)
    except (OSError, ValueError, ca.SigningConfigError) as exc:
        raise SigningError(
            _("The signing certificate cannot be loaded. Ask the administrator to check it. (%(error)s)")
            % {"error": exc}
        ) from exc
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
        meta = signers.PdfSignatureMetadata(
            field_name=SIGNATURE_FIELD,
            reason=reason,
            location=location,
            name=signer_name,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
        )
        out = _outside_event_loop(signers.sign_pdf, writer, meta, signer=signer)
    except Exception as exc:  # pyHanko raises many kinds; the officer needs one message
        raise SigningError(_("The document could not be signed. (%(error)s)") % {"error": exc}) from exc
    return out.getvalue()


def _trust_roots(config: ca.SigningConfig) -> list:
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    roots = []
    if config.trust_roots_pem and config.trust_roots_pem.exists():
        data = config.trust_roots_pem.read_bytes()
        if pem.detect(data):
            roots = [asn1_x509.Certificate.load(der) for _t, _h, der in pem.unarmor(data, multiple=True)]
        else:
            roots = [asn1_x509.Certificate.load(data)]
    else:
        signer = _signer(config)
        roots = [c for c in signer.cert_registry if c.self_signed]
    return roots


def _last_signature(pdf_bytes: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
    signatures = reader.embedded_signatures
    return signatures[-1] if signatures else None


def _subject(cert) -> str:
    return cert.subject.human_friendly if cert is not None else ""


def signature_facts(pdf_bytes: bytes) -> SignatureFacts:
    """The certificate and time stated by the last signature of a PDF this system signed."""
    sig = _last_signature(pdf_bytes)
    if sig is None:
        raise SigningError(_("The document has no signature."))
    cert = sig.signer_cert
    return SignatureFacts(
        subject=_subject(cert),
        serial=format(cert.serial_number, "X"),
        fingerprint=cert.sha256.hex(),
        signed_at=sig.self_reported_timestamp,
    )


def _covers_document(status) -> bool:
    """The signature covers the whole file, or only later signature/timestamp updates follow."""
    from pyhanko.sign.diff_analysis.policy_api import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return True
    level = getattr(status, "modification_level", None)
    return (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and level is not None
        and level <= ModificationLevel.LTA_UPDATES
    )


def verify_pdf(pdf_bytes: bytes) -> VerificationOutcome:
    """Validate the last signature of ``pdf_bytes`` against the configured trust roots."""
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    def outcome(message, intact=False, valid=False, trusted=False, subject="", at=None):
        return VerificationOutcome(intact, valid, trusted, subject, at, str(message))

    try:
        sig = _last_signature(pdf_bytes)
    except Exception:  # not a PDF, or broken beyond reading
        return outcome(_("This file is not a readable PDF."))
    if sig is None:
        return outcome(_("This PDF has no electronic signature."))
    try:
        context = ValidationContext(trust_roots=_trust_roots(ca.signing_config()), allow_fetching=False)
        status = _outside_event_loop(validate_pdf_signature, sig, context)
    except Exception:
        return outcome(
            _("The signature of this PDF could not be checked: the file has been altered or damaged.")
        )
    intact = bool(status.intact) and _covers_document(status)
    valid = intact and bool(status.valid)
    trusted = valid and bool(status.trusted)
    subject = _subject(status.signing_cert)
    at = status.signer_reported_dt
    if not intact:
        message = _("The document has been altered after it was signed.")
    elif not valid:
        message = _("The signature is not valid.")
    elif not trusted:
        message = _("The signature is intact but the certificate is not issued by a trusted authority.")
    else:
        message = _("The signature is valid and the document has not been altered.")
    return outcome(message, intact, valid, trusted, subject, at)
