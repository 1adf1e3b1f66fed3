"""Results (kết quả giải quyết TTHC): the signed PDF issued for a dossier, verifiable by QR code.

A result row is written once by :func:`motcua.results.services.issue_result`; afterwards only
the revocation columns change (:func:`motcua.results.services.revoke_result`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.org.models import Agency


class Result(models.Model):
    """The electronic result of a dossier: a PAdES-signed PDF and the facts of its signature."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="results"
    )
    number = models.CharField(_("number"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=500)
    file = models.FileField(_("file"), max_length=200)
    sha256 = models.CharField(_("SHA-256 of the signed PDF"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    signed_at = models.DateTimeField(_("signed at"))
    signer_name = models.CharField(_("signed by"), max_length=200)
    signer_agency = models.ForeignKey(
        Agency, verbose_name=_("issuing agency"), on_delete=models.PROTECT, related_name="+"
    )
    certificate_subject = models.CharField(_("certificate subject"), max_length=500)
    certificate_serial = models.CharField(_("certificate serial number"), max_length=80)
    certificate_fingerprint = models.CharField(_("certificate SHA-256 fingerprint"), max_length=64)
    verification_token = models.CharField(_("verification code"), max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["-signed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(revoked_at__isnull=True),
                name="result_one_valid_per_dossier",
            ),
        ]
        indexes = [models.Index(fields=["dossier", "-signed_at"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
