"""Linked applications (hồ sơ liên thông, Decree 63/2024/NĐ-CP).

The application itself is a :class:`~motcua.dossiers.models.Dossier` of the group's application
procedure (``is_linked_application``); it is filed once, with one e-form and one set of files.
Each member procedure the applicant chose is a :class:`Stage`; when a stage opens, the linked
service creates its own dossier (``linked_parent`` = the application) at the competent agency,
with data handed on from the e-form and from earlier stages' results. A stage keeps a snapshot
of its configuration, so a later change of the group in the catalog never changes an
application already filed (as a dossier keeps its procedure version).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.org.models import Agency


class StageState(models.TextChoices):
    WAITING = "waiting", _("Waiting for an earlier step")
    OPEN = "open", _("With the agency")
    SUPPLEMENT = "supplement", _("Supplement requested")
    DONE = "done", _("Result issued")
    FAILED = "failed", _("Refused or stopped")
    CANCELLED = "cancelled", _("Not carried out")


ACTIVE_STATES = frozenset({StageState.WAITING, StageState.OPEN, StageState.SUPPLEMENT})


class Stage(models.Model):
    """One member procedure of a linked application — thủ tục thành phần trong nhóm liên thông."""

    application = models.ForeignKey(
        Dossier, verbose_name=_("linked application"), on_delete=models.PROTECT, related_name="linked_stages"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    procedure_code = models.CharField(_("procedure code"), max_length=12)
    procedure_name = models.CharField(_("procedure"), max_length=500)
    agency_kind = models.CharField(_("agency kind"), max_length=20)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    depends_on = models.JSONField(_("needs the results of"), default=list, blank=True)
    config = models.JSONField(_("configuration when filed"), default=dict)
    state = models.CharField(
        _("state"), max_length=12, choices=StageState.choices, default=StageState.WAITING
    )
    dossier = models.OneToOneField(
        Dossier,
        verbose_name=_("dossier of this stage"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="linked_stage",
    )
    connector = models.CharField(_("how the agency is reached"), max_length=20, default="local")
    external_reference = models.CharField(_("reference in the agency's system"), max_length=100, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outputs = models.JSONField(_("data handed on"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("linked stage")
        verbose_name_plural = _("linked stages")
        ordering = ["application", "position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "procedure_code"], name="linked_stage_unique"),
        ]
        indexes = [models.Index(fields=["connector", "external_reference"])]

    def __str__(self) -> str:
        return f"{self.application} #{self.position} {self.procedure_code} ({self.state})"

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES
