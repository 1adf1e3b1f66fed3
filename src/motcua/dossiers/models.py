"""Dossiers (hồ sơ): what a citizen files, its attachments, its append-only events.

The status columns are written only by :mod:`motcua.dossiers.lifecycle` (one declarative
transition table); everything else reads them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ProcedureVersion
from motcua.core.models import AppendOnlyModel
from motcua.org.models import Agency


class Status(models.TextChoices):
    """States as the national portal names them (design.md §5a)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for reception")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("Being processed")
    RESOLVED = "resolved", _("Result ready")
    RETURNED = "returned", _("Result returned")
    REFUSED = "refused", _("Refused")
    STOPPED = "stopped", _("Processing stopped")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")


#: The states a dossier is worked on in: neither a draft nor finished (desk queues).
OPEN_STATES = ["in_progress", "received", "submitted", "supplement_requested"]


class Channel(models.TextChoices):
    """KenhThucHien in the national sync: 1 in person, 2 online, 3 post."""

    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("At the desk")
    POST = "post", _("By post")


class PaymentState(models.TextChoices):
    NOT_REQUIRED = "not_required", _("Free")
    UNPAID = "unpaid", _("Not paid yet")
    PENDING = "pending", _("Payment in progress")
    PAID = "paid", _("Paid online")
    AT_DESK = "at_desk", _("To pay at the desk")
    REFUNDED = "refunded", _("Refunded")


class Dossier(models.Model):
    """A dossier (hồ sơ) filed for one procedure version by one applicant."""

    code = models.CharField(_("dossier code"), max_length=40, unique=True, null=True, blank=True)
    tracking_pin = models.CharField(_("tracking PIN"), max_length=6, blank=True, editable=False)
    procedure_version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("procedure version"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("helped by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="helped_dossiers",
    )
    assisted = models.BooleanField(_("assisted submission"), default=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    receiving_agency = models.ForeignKey(
        Agency,
        verbose_name=_("receiving agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    competent_agency = models.ForeignKey(
        Agency,
        verbose_name=_("competent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.DRAFT)
    current_step = models.CharField(_("current step"), max_length=60, blank=True)
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    prefilled_fields = models.JSONField(_("fields from the national database"), default=list, blank=True)
    form_step = models.PositiveSmallIntegerField(_("wizard step reached"), default=0)
    eid_verified = models.BooleanField(_("applicant verified with VNeID"), default=False)

    fee_amount = models.PositiveBigIntegerField(_("fee (VND)"), default=0)
    payment_state = models.CharField(
        _("payment"), max_length=14, choices=PaymentState.choices, default=PaymentState.NOT_REQUIRED
    )
    paid_online = models.BooleanField(_("paid online"), default=False)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    due_at = models.DateTimeField(_("result due"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)

    # Processing (back office): who has it, at which internal step, until when.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_dossiers",
    )
    step_due_at = models.DateTimeField(_("step due"), null=True, blank=True)
    original_due_at = models.DateTimeField(
        _("first appointment"),
        null=True,
        blank=True,
        help_text=_("Kept when an apology sets a new date: still late."),
    )
    # The clock stops while the citizen supplements (Form 02).
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_hours = models.DecimalField(_("working hours paused"), max_digits=8, decimal_places=2, default=0)
    supplement_count = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    supplement_deadline = models.DateTimeField(_("supplement deadline"), null=True, blank=True)
    return_channel = models.CharField(_("result returned"), max_length=10, blank=True)

    idempotency_key = models.CharField(max_length=80, blank=True)
    # Linked procedures (liên thông): the application is a parent dossier whose status is computed
    # from one child dossier per stage; the linked app orchestrates them.
    is_linked_application = models.BooleanField(_("linked application"), default=False)
    linked_parent = models.ForeignKey(
        "self",
        verbose_name=_("linked application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="linked_children",
    )
    lock_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="dossier_idempotency_key_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["applicant", "-created_at"]),
            models.Index(fields=["receiving_agency", "status", "due_at"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["competent_agency", "status", "due_at"]),
            models.Index(fields=["assigned_to", "status", "due_at"]),
            models.Index(fields=["status", "supplement_deadline"]),
            # The officer's tab counts (desk.selectors.counts) read these alone: open dossiers
            # only (a few percent of the table), with every column the counts look at.
            # PostgreSQL only (covering indexes); elsewhere the indexes above serve.
            models.Index(
                fields=["receiving_agency", "status"],
                include=["due_at", "paused_at", "assigned_to", "is_linked_application", "id"],
                condition=models.Q(status__in=OPEN_STATES),
                name="dossier_open_by_receiving",
            ),
            models.Index(
                fields=["competent_agency", "status"],
                include=[
                    "due_at",
                    "paused_at",
                    "assigned_to",
                    "is_linked_application",
                    "receiving_agency",
                    "id",
                ],
                condition=models.Q(status__in=OPEN_STATES),
                name="dossier_open_by_competent",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk} ({self.get_status_display()})"

    @property
    def procedure(self):
        return self.procedure_version.procedure

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT


class DossierEvent(AppendOnlyModel):
    """One thing that happened to a dossier. Append-only; the timeline and the indicators read it."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(
        _("shown on public tracking"), default=True, help_text=_("Public tracking shows no personal data.")
    )

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier} {self.action} {self.at:%Y-%m-%d %H:%M}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Never trust the uploaded name in the path: content hash + detected extension.
    return f"dossiers/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class Attachment(models.Model):
    """A document of a dossier (thành phần hồ sơ): uploaded, or reused from the citizen's store."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    document_code = models.SlugField(_("document"), max_length=60)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=60)
    extension = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64, db_index=True)
    reused_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reuses",
        verbose_name=_("reused from"),
    )
    reused_result = models.ForeignKey(
        "results.Result",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reuses",
        verbose_name=_("reused result"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["dossier", "document_code", "id"]

    def __str__(self) -> str:
        return f"{self.document_code}: {self.original_name}"

    @property
    def reused(self) -> bool:
        """Taken from the citizen's data store (an earlier file or result) — a Decision 766 indicator."""
        return self.reused_from_id is not None or self.reused_result_id is not None


class DossierCodeSequence(models.Model):
    """The per-agency daily counter behind ``<agency code>-YYMMDD-XXXX`` (Circular 01/2018 Art. 19)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossier_code_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.day:%y%m%d} {self.last}"
