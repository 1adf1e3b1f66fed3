"""The procedure catalog — danh mục thủ tục hành chính.

A :class:`Procedure` is identified by its national code (``1.001193``); what it requires lives
in :class:`ProcedureVersion`. A published version is immutable: edits make a new draft, and a
dossier keeps the version it was filed under.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.org.models import Agency


class Sector(models.Model):
    """A sector (lĩnh vực) such as civil status or land."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LifeEvent(models.Model):
    """A life event (sự kiện) people think in: a child is born, a relative dies, building a house."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính) by its national code."""

    code = models.CharField(_("national code"), max_length=20, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ProcedureVersion(models.Model):
    """One version of what a procedure requires. Published versions never change."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    class Level(models.TextChoices):
        PROVINCE = "province", _("Provincial")
        COMMUNE = "commune", _("Commune")

    class OnlineLevel(models.TextChoices):
        FULL = "full", _("Full-process online")
        PARTIAL = "partial", _("Partly online")
        NONE = "none", _("At the desk only")

    class TimeUnit(models.TextChoices):
        WORKING_DAYS = "working_days", _("working days")
        WORKING_HOURS = "working_hours", _("working hours")

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_current = models.BooleanField(
        _("current"), default=False, help_text=_("The published version citizens see now.")
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    name = models.CharField(_("name"), max_length=500)
    name_folded = models.CharField(max_length=500, editable=False, default="", db_index=True)
    name_en = models.CharField(_("name in English"), max_length=500, blank=True)
    summary = models.TextField(_("what it is for, in plain words"), blank=True)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="versions"
    )
    life_events = models.ManyToManyField(
        LifeEvent, verbose_name=_("life events"), blank=True, related_name="versions"
    )
    level = models.CharField(_("competent level"), max_length=10, choices=Level.choices)
    agencies = models.ManyToManyField(
        Agency, verbose_name=_("competent agencies"), blank=True, related_name="procedure_versions"
    )
    agency_kinds = models.JSONField(
        _("competent agency kinds"),
        default=list,
        blank=True,
        help_text=_("For procedures every commune handles, the kind of agency (e.g. commune_pc)."),
    )
    applicants = models.TextField(_("who may apply"), blank=True)
    where_to_submit = models.TextField(_("where to submit"), blank=True)
    online_level = models.CharField(_("online level"), max_length=10, choices=OnlineLevel.choices)
    processing_time = models.DecimalField(_("processing time"), max_digits=6, decimal_places=1)
    processing_time_unit = models.CharField(_("unit"), max_length=16, choices=TimeUnit.choices)
    online_processing_time = models.DecimalField(
        _("processing time for online dossiers"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Shorter time the province decided for dossiers filed online; empty = the same."),
    )
    cutoff_applies = models.BooleanField(
        _("15:00 cut-off applies"),
        default=False,
        help_text=_("Dossiers received after the cut-off count from the next working day."),
    )
    processing_time_note = models.TextField(_("note on processing time"), blank=True)
    legal_basis = models.JSONField(_("legal basis"), default=list, blank=True)
    result_type = models.CharField(_("result"), max_length=500, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    min_assurance_level = models.PositiveSmallIntegerField(_("minimum e-ID assurance level"), default=1)
    form_spec = models.JSONField(_("e-form specification"), default=dict, blank=True)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procedure_version_number_unique"),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=models.Q(is_current=True),
                name="procedure_one_current_version",
            ),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=models.Q(status="draft"),
                name="procedure_one_draft_version",
            ),
            models.CheckConstraint(
                condition=models.Q(processing_time__gte=0), name="processing_time_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["is_current", "sector"]),
            models.Index(fields=["is_current", "level"]),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number} — {self.name}"

    def save(self, *args, **kwargs):
        if self.pk and not kwargs.pop("allow_published_change", False):
            stored = ProcedureVersion.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored and stored != self.Status.DRAFT:
                # Only the lifecycle flags of a published version may change (retire, current).
                update_fields = set(kwargs.get("update_fields") or [])
                if not update_fields or not update_fields <= {"status", "is_current"}:
                    raise ValidationError(_("A published version cannot be changed; create a new draft."))
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status != self.Status.DRAFT


class _VersionPart(models.Model):
    """A row that belongs to a version and is frozen with it."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.version.status != ProcedureVersion.Status.DRAFT and not kwargs.pop(
            "allow_published_change", False
        ):
            raise ValidationError(_("A published version cannot be changed; create a new draft."))
        super().save(*args, **kwargs)


class RequiredDocument(_VersionPart):
    """A document the applicant provides — thành phần hồ sơ."""

    class Requirement(models.TextChoices):
        REQUIRED = "required", _("Required")
        CONDITIONAL = "conditional", _("Required in some cases")
        OPTIONAL = "optional", _("Optional")

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(default=0)
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=500)
    originals = models.PositiveSmallIntegerField(_("originals"), default=0)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    requirement = models.CharField(_("requirement"), max_length=12, choices=Requirement.choices)
    condition = models.CharField(_("when needed"), max_length=500, blank=True)
    template_url = models.CharField(_("template file"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="document_code_unique_per_version")
        ]

    def __str__(self) -> str:
        return self.name


class Fee(_VersionPart):
    """A fee or charge (phí, lệ phí) per channel with validity dates."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("At the desk")
        POST = "post", _("By post")

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=300)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    quantity_field = models.CharField(
        _("multiplied by the form field"),
        max_length=60,
        blank=True,
        help_text=_("A number field of the e-form (e.g. extra copies); the fee is charged per unit."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_channel_display()}): {self.amount}"


class ProcessStep(_VersionPart):
    """An internal step of the procedure (quy trình nội bộ) with its time budget."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=300)
    role = models.CharField(_("role"), max_length=20)
    agency_kind = models.CharField(_("agency kind"), max_length=20, blank=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    hours = models.DecimalField(_("time budget (working hours)"), max_digits=6, decimal_places=1)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="step_code_unique_per_version")
        ]

    def __str__(self) -> str:
        return self.name


class LinkedGroup(models.Model):
    """A group of linked procedures filed as one application — nhóm thủ tục liên thông."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=500)
    name_en = models.CharField(_("name in English"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    legal_basis = models.JSONField(_("legal basis"), default=list, blank=True)
    total_time = models.DecimalField(_("total time"), max_digits=6, decimal_places=1)
    total_time_unit = models.CharField(
        _("unit"), max_length=16, choices=ProcedureVersion.TimeUnit.choices, default="working_days"
    )
    life_event = models.ForeignKey(
        LifeEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("application procedure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="linked_groups",
        help_text=_("Its e-form, documents and fees are the ones the applicant fills in once."),
    )
    bundle_field = models.CharField(_("e-form field with the applicant's choice"), max_length=60, blank=True)
    bundles = models.JSONField(_("choices of procedures"), default=list, blank=True)

    class Meta:
        verbose_name = _("linked procedure group")
        verbose_name_plural = _("linked procedure groups")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class LinkedGroupMember(models.Model):
    """One procedure in a linked group, in order, with the agency kind that handles it."""

    group = models.ForeignKey(LinkedGroup, on_delete=models.CASCADE, related_name="members")
    position = models.PositiveSmallIntegerField(default=0)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="linked_memberships")
    agency_kind = models.CharField(_("agency kind"), max_length=20)
    time_budget = models.DecimalField(_("time budget"), max_digits=6, decimal_places=1)
    time_budget_unit = models.CharField(
        _("unit"), max_length=16, choices=ProcedureVersion.TimeUnit.choices, default="working_days"
    )
    optional = models.BooleanField(_("the applicant may leave it out"), default=False)
    depends_on = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="+")
    inputs = models.JSONField(_("data handed to this procedure"), default=dict, blank=True)
    documents = models.JSONField(_("documents handed to this procedure"), default=dict, blank=True)
    outputs = models.JSONField(_("data this procedure yields"), default=dict, blank=True)
    on_failure = models.CharField(
        _("when refused or stopped"),
        max_length=20,
        choices=[
            ("skip_dependents", _("cancel only the procedures that need it")),
            ("stop_group", _("stop the whole group")),
        ],
        default="skip_dependents",
    )

    class Meta:
        ordering = ["group", "position"]
        constraints = [
            models.UniqueConstraint(fields=["group", "procedure"], name="linked_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.group.code}#{self.position} {self.procedure.code}"
