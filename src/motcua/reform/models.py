"""The procedure review and simplification workbench — rà soát, đánh giá, đơn giản hóa TTHC.

Review plans (Decree 63/2010 Art. 30) assign procedures to departments and community
digital-technology teams; assessments follow Art. 28 and Circular 02/2017/TT-VPCP with a
versioned question bank; field observations and cost sheets implement the compliance-cost
method of Circular 02/2017 Art. 27; a proposal is a draft :class:`ProcedureVersion` in the
catalog, followed up to the republished and applied version (Resolution 66/NQ-CP).

Money is whole VND (integers); hours carry two decimals.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.core.models import AppendOnlyModel
from motcua.org.models import Agency

HOURS = {"max_digits": 8, "decimal_places": 2}


class HourlyValue(models.Model):
    """The value of one hour of a citizen's time (VND) used in cost sheets, with its source."""

    year = models.PositiveSmallIntegerField(_("year"))
    value_vnd = models.PositiveBigIntegerField(_("value of one hour (VND)"))
    source = models.CharField(_("source"), max_length=500)
    source_date = models.DateField(_("source date"))
    is_default = models.BooleanField(_("default"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hourly value")
        verbose_name_plural = _("hourly values")
        ordering = ["-year", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(source=""), name="reform_hourly_value_has_source"),
            models.CheckConstraint(condition=Q(value_vnd__gt=0), name="reform_hourly_value_positive"),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="reform_one_default_hourly_value"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value_vnd} VND/h ({self.year}) — {self.source}"


class QuestionBank(models.Model):
    """A version of the review question bank, loaded from ``reform/data/question_bank.json``."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    legal_basis = models.JSONField(_("legal basis"), default=list)
    is_current = models.BooleanField(_("current"), default=False)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="reform_one_current_bank"
            )
        ]

    def __str__(self) -> str:
        return self.version


class Question(models.Model):
    class Dimension(models.TextChoices):
        NECESSITY = "necessity", _("Necessity")
        REASONABLENESS = "reasonableness", _("Reasonableness")
        LEGALITY = "legality", _("Legality")

    class Per(models.TextChoices):
        WHOLE = "", _("whole component")
        DOCUMENT = "document", _("each dossier document")
        STEP = "step", _("each step")
        FEE = "fee", _("each fee")

    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(_("code"), max_length=20)
    dimension = models.CharField(_("dimension"), max_length=16, choices=Dimension.choices)
    component = models.CharField(_("component"), max_length=20)
    per = models.CharField(_("asked for"), max_length=10, choices=Per.choices, blank=True)
    text = models.TextField(_("question"))
    text_en = models.TextField(_("question in English"), blank=True)

    class Meta:
        ordering = ["bank", "position"]
        constraints = [models.UniqueConstraint(fields=["bank", "code"], name="reform_question_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"


class ReviewPlan(models.Model):
    """A review plan (kế hoạch rà soát, đánh giá TTHC), e.g. the province's plan for a year."""

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    decision_no = models.CharField(_("decision number"), max_length=80, blank=True)
    owner = models.ForeignKey(
        Agency, verbose_name=_("owner agency"), on_delete=models.PROTECT, related_name="+"
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), default=2024)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review plan")
        verbose_name_plural = _("review plans")
        ordering = ["-year", "-created_at"]

    def __str__(self) -> str:
        return self.title


class Assignment(models.Model):
    """One procedure of a plan given to a department or a community digital-technology team."""

    class Team(models.TextChoices):
        DEPARTMENT = "department", _("Department (assessment)")
        COMMUNITY = "community", _("Community digital-technology team (field observations)")

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    plan = models.ForeignKey(ReviewPlan, on_delete=models.CASCADE, related_name="assignments")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(
        Agency, verbose_name=_("assigned to"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.CharField(_("team"), max_length=12, choices=Team.choices)
    due_date = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ASSIGNED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["plan", "due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "procedure", "agency", "team"], name="reform_assignment_unique"
            )
        ]
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return f"{self.procedure.code} → {self.agency}"


class Assessment(models.Model):
    """The assessment of one procedure version in one plan (phiếu rà soát, đánh giá)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being answered")
        SUBMITTED = "submitted", _("Submitted")

    plan = models.ForeignKey(ReviewPlan, on_delete=models.CASCADE, related_name="assessments")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="assessments")
    version = models.ForeignKey(ProcedureVersion, on_delete=models.PROTECT, related_name="+")
    bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "version"], name="reform_one_assessment_per_version_in_plan"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} ({self.plan})"


class Answer(models.Model):
    class Value(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        NA = "na", _("Not applicable")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    item = models.CharField(
        _("item"), max_length=80, blank=True, help_text="document/step code or fee position"
    )
    value = models.CharField(_("answer"), max_length=3, choices=Value.choices)
    reason = models.TextField(_("reason"), blank=True)
    proposal = models.TextField(_("proposal"), blank=True)
    legal_ref = models.CharField(_("legal reference"), max_length=300, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment", "question__position", "item"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question", "item"], name="reform_answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}/{self.item}: {self.value}"


class Activity(models.TextChoices):
    """Standard activities of the applicant (Standard Cost Model, from the applicant's side)."""

    LEARN = "learn", _("Learning about the procedure")
    PREPARE = "prepare", _("Preparing the dossier (forms, copies, certification)")
    TRAVEL = "travel", _("Travelling")
    WAIT = "wait", _("Waiting at the office")
    SUPPLEMENT = "supplement", _("Revisiting to supplement")
    RECEIVE = "receive", _("Receiving the result")
    OTHER = "other", _("Other")


class Observation(models.Model):
    """What one citizen actually spent on one activity, recorded in the field (with evidence)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="observations")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    activity = models.CharField(_("activity"), max_length=12, choices=Activity.choices)
    hours = models.DecimalField(_("hours"), **HOURS)
    money_vnd = models.PositiveBigIntegerField(_("money spent (VND)"), default=0)
    note = models.CharField(_("what was spent on"), max_length=300, blank=True)
    evidence = models.FileField(_("evidence"), upload_to="reform/evidence/%Y/%m/", blank=True)
    observed_on = models.DateField(_("observed on"))
    observer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("field observation")
        verbose_name_plural = _("field observations")
        ordering = ["procedure", "activity", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="reform_observation_hours_not_negative"),
        ]
        indexes = [models.Index(fields=["procedure", "activity"])]

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.activity}: {self.hours} h, {self.money_vnd} VND"


class CostSheet(models.Model):
    """A compliance-cost sheet (Circular 02/2017 Art. 27) of one version, before or after."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("Current (before simplification)")
        AFTER = "after", _("After simplification")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="cost_sheets")
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    version = models.ForeignKey(ProcedureVersion, on_delete=models.PROTECT, related_name="+")
    hourly_value = models.ForeignKey(HourlyValue, on_delete=models.PROTECT, related_name="+")
    fees_vnd = models.PositiveBigIntegerField(_("fees and charges (VND)"), default=0)
    frequency = models.DecimalField(
        _("times per year per subject"), max_digits=6, decimal_places=2, default=1
    )
    subjects = models.PositiveBigIntegerField(_("subjects per year"), default=0)
    subjects_source = models.CharField(_("source of the number of subjects"), max_length=300)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "kind"], name="reform_one_sheet_per_kind"),
            models.CheckConstraint(condition=Q(frequency__gte=0), name="reform_frequency_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.version_id}"


class CostLine(models.Model):
    class Rule(models.TextChoices):
        ENTERED = "entered", _("Entered by the officer")
        LOWER_AVERAGE = "lower_average", _("Lower-average of field observations")

    sheet = models.ForeignKey(CostSheet, on_delete=models.CASCADE, related_name="lines")
    activity = models.CharField(_("activity"), max_length=12, choices=Activity.choices)
    hours = models.DecimalField(_("hours"), **HOURS)
    out_of_pocket_vnd = models.PositiveBigIntegerField(_("out-of-pocket costs (VND)"), default=0)
    rule = models.CharField(_("rule"), max_length=14, choices=Rule.choices, default=Rule.ENTERED)
    observations = models.PositiveIntegerField(_("observations used"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["sheet", "id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "activity"], name="reform_one_line_per_activity"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="reform_cost_hours_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.activity}: {self.hours} h"


class SimplificationPlan(models.Model):
    """The simplification plan (phương án đơn giản hóa) — the annex of the Chairman's Decision."""

    review_plan = models.ForeignKey(ReviewPlan, on_delete=models.PROTECT, related_name="simplification_plans")
    title = models.CharField(_("title"), max_length=300)
    decision_no = models.CharField(_("decision number"), max_length=80, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("simplification plan")
        verbose_name_plural = _("simplification plans")

    def __str__(self) -> str:
        return self.title


class Proposal(models.Model):
    """A simplification proposal: a draft new version of the procedure in the catalog."""

    class Action(models.TextChoices):
        SIMPLIFY = "simplify", _("Simplify")
        ABOLISH = "abolish", _("Abolish")
        REPLACE_BY_DATA = "replace_by_data", _("Replace documents by data")
        DECENTRALISE = "decentralise", _("Decentralise")

    class Authority(models.TextChoices):
        PROVINCE = "province", _("Within the province's power")
        MINISTRY = "ministry", _("Recommendation to a ministry")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Drafted")
        APPROVED = "approved", _("Approved")
        LEGAL_ISSUED = "legal_issued", _("Legal document issued")
        REPUBLISHED = "republished", _("Catalog republished")
        APPLIED = "applied", _("Applied in the one-stop system")
        REJECTED = "rejected", _("Rejected")

    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="proposal")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    before_version = models.ForeignKey(ProcedureVersion, on_delete=models.PROTECT, related_name="+")
    after_version = models.OneToOneField(
        ProcedureVersion, on_delete=models.PROTECT, related_name="reform_proposal"
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices, default=Action.SIMPLIFY)
    authority = models.CharField(
        _("authority"), max_length=10, choices=Authority.choices, default=Authority.PROVINCE
    )
    ministry = models.CharField(_("ministry"), max_length=200, blank=True)
    reasons = models.TextField(_("reasons"))
    legal_instrument = models.TextField(_("legal instrument to change (kiến nghị thực thi)"))
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.DRAFT)
    simplification_plan = models.ForeignKey(
        SimplificationPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    legal_doc_no = models.CharField(_("legal document number"), max_length=120, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    legal_issued_on = models.DateField(null=True, blank=True)
    republished_on = models.DateField(null=True, blank=True)
    applied_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("simplification proposal")
        verbose_name_plural = _("simplification proposals")
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.procedure.code}: {self.get_action_display()}"


class Change(models.Model):
    """One change a proposal makes to the procedure (nội dung đơn giản hóa)."""

    class Kind(models.TextChoices):
        REMOVE_DOCUMENT = "remove_document", _("Remove a dossier document")
        REPLACE_BY_DATA = "replace_by_data", _("Replace a document by data the State holds")
        SHORTEN_TIME = "shorten_time", _("Shorten the time limit")
        MERGE_STEPS = "merge_steps", _("Merge steps")
        CUT_FEE = "cut_fee", _("Cut a fee")
        RAISE_ONLINE = "raise_online", _("Raise the online level")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("change"), max_length=16, choices=Kind.choices)
    target = models.CharField(_("what"), max_length=120, blank=True)
    before_text = models.CharField(_("before"), max_length=500, blank=True)
    after_text = models.CharField(_("after"), max_length=500, blank=True)
    data_source = models.CharField(_("database used"), max_length=120, blank=True)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.target}"


class ProposalEvent(AppendOnlyModel):
    """One step of a proposal's follow-up (append-only)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(max_length=14, choices=Proposal.Status.choices)
    on = models.DateField()
    reference = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal", "at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.status} {self.on}"


class Suggestion(models.Model):
    """A citizen's "this procedure is too complicated because…" suggestion (moderated)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("suggestion"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("citizen suggestion")
        verbose_name_plural = _("citizen suggestions")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["procedure", "status"])]

    def __str__(self) -> str:
        return f"suggestion #{self.pk}"
