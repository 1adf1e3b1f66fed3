"""Public result verification (``/xac-thuc/<token>/``) and the citizen's download.

The verification page shows only the facts of the document — issuer, title, number, date,
certificate, hash — never the applicant or the form answers.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.core import ratelimit
from motcua.results import selectors

VERIFY_LIMIT, VERIFY_WINDOW = 30, 15 * 60  # unknown codes per IP
UPLOAD_LIMIT, UPLOAD_WINDOW = 20, 60 * 60  # uploaded PDFs checked per IP
MAX_UPLOAD = 10 * 1024 * 1024


def not_found_message() -> str:
    return _("No document matches this verification code. Check the link or the QR code.")


def _too_many(request):
    return render(
        request,
        "results/verify_not_found.html",
        {"message": _("Too many attempts. Try again in 15 minutes.")},
        status=429,
    )


def lookup(request):
    """A box to type the verification code printed under the QR code."""
    code = request.GET.get("ma", "").strip()
    if code:
        return redirect("results:verify", token=code)
    return render(request, "results/lookup.html")


@require_http_methods(["GET", "POST"])
def verify(request, token: str):
    ip = ratelimit.client_ip(request)
    if ratelimit.blocked("result-verify", ip, limit=VERIFY_LIMIT):
        return _too_many(request)
    result = selectors.result_by_token(token)
    if result is None:
        ratelimit.hit("result-verify", ip, limit=VERIFY_LIMIT, window=VERIFY_WINDOW)
        return render(request, "results/verify_not_found.html", {"message": not_found_message()}, status=404)
    check = None
    error = ""
    if request.method == "POST":
        check, error = _check_upload(request, result, ip)
    return render(
        request,
        "results/verify.html",
        {"result": result, "check": check, "upload_error": error},
        status=400 if error else 200,
    )


def _check_upload(request, result, ip):
    """Compare an uploaded PDF with the issued one: same SHA-256, and a signature that verifies."""
    from motcua.results.signing import verify_pdf

    upload = request.FILES.get("file")
    if upload is None:
        return None, _("Choose the PDF file you received.")
    if upload.size > MAX_UPLOAD:
        return None, _("The file is larger than 10 MB: it is not a result issued by this system.")
    if not ratelimit.hit("result-upload", ip, limit=UPLOAD_LIMIT, window=UPLOAD_WINDOW):
        return None, _("Too many attempts. Try again in 15 minutes.")
    data = upload.read()
    digest = hashlib.sha256(data).hexdigest()
    outcome = verify_pdf(data)
    return {"same": digest == result.sha256, "sha256": digest, "signature": outcome}, ""


@login_required
def download(request, pk: int):
    result = selectors.result_for_owner(request.user, pk)
    if result is None or not result.file:
        raise Http404
    try:
        handle = result.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    return FileResponse(
        handle, content_type="application/pdf", as_attachment=True, filename=f"{result.number}.pdf"
    )
