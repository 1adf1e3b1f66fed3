"""Checking uploaded files: PDF, JPEG and PNG recognised by content, never by name."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import filetype
from django.utils.translation import gettext as _

from motcua.dossiers import conf


class FileRejected(Exception):
    """The file cannot be accepted; ``message`` tells the citizen what to do."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    extension: str
    sha256: str
    size: int


def read_limited(uploaded, limit: int) -> bytes:
    """Read at most ``limit`` + 1 bytes so an oversized upload is refused without reading it all."""
    uploaded.seek(0)
    data = uploaded.read(limit + 1)
    return data


def check_file(uploaded, *, max_bytes: int | None = None) -> CheckedFile:
    """Accept a PDF, JPEG or PNG whose content really is one; refuse anything else."""
    max_bytes = max_bytes or conf.MAX_FILE_BYTES
    content = read_limited(uploaded, max_bytes)
    if not content:
        raise FileRejected(_("The file is empty. Choose the file again."))
    if len(content) > max_bytes:
        raise FileRejected(
            _("The file is larger than %(mb)s MB. Take a smaller photo or scan fewer pages.")
            % {"mb": max_bytes // (1024 * 1024)}
        )
    kind = filetype.guess(content)
    if kind is None or kind.mime not in conf.ALLOWED_TYPES:
        raise FileRejected(_("Only PDF files and JPEG or PNG photos are accepted."))
    if kind.mime == "application/pdf":
        _check_pdf(content)
    else:
        _check_image(content)
    return CheckedFile(
        content=content,
        content_type=kind.mime,
        extension=conf.ALLOWED_TYPES[kind.mime],
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
    )


def _check_pdf(content: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise FileRejected(_("The PDF is protected by a password. Send a PDF without a password."))
        if len(reader.pages) == 0:
            raise FileRejected(_("The PDF has no pages."))
    except FileRejected:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise FileRejected(_("The PDF file is damaged. Scan or save it again.")) from exc


def _check_image(content: bytes) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise FileRejected(_("The photo is damaged. Take the photo again.")) from exc
