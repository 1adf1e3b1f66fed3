"""Paperless meetings (phòng họp không giấy): meetings, agenda, delegates, documents with
versions, personal access tokens, the read audit, check-in, votes and the conclusion notice.

Delegates need no motcua account: a :class:`Delegate` row is their identity, reached through a
personal QR slip (one-time token) or a typed short code.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Meeting(models.Model):
    """A meeting (cuộc họp, kỳ họp, hội nghị) with its agenda, delegates and documents."""

    class Body(models.TextChoices):
        PEOPLES_COUNCIL = "peoples_council", _("People's Council session")
        PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee meeting")
        DEPARTMENT = "department", _("Department meeting")
        CONGRESS = "congress", _("Congress")

    code = models.CharField(_("meeting code"), max_length=12, unique=True)
    title = models.CharField(_("title"), max_length=300)
    body = models.CharField(_("kind of meeting"), max_length=20, choices=Body.choices)
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("organising agency"), on_delete=models.PROTECT, related_name="+"
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("place"), max_length=300)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    access_hours_after_end = models.PositiveSmallIntegerField(
        _("documents stay readable for (hours after the end)"), default=24
    )
    is_urgent = models.BooleanField(
        _("urgent meeting"),
        default=False,
        help_text=_("Urgent meetings are exempt from the 3-working-day invitation rule."),
    )
    quorum_numerator = models.PositiveSmallIntegerField(default=1)
    quorum_denominator = models.PositiveSmallIntegerField(default=2)
    invitations_sent_at = models.DateTimeField(_("invitations sent"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["agency", "-starts_at"], name="meeting_agency_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(quorum_denominator__gt=0), name="meeting_quorum_denominator"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def access_expires_at(self) -> dt.datetime:
        """When delegates' access to documents ends (recall): the end plus the grace hours."""
        return self.ends_at + dt.timedelta(hours=self.access_hours_after_end)


class AgendaItem(models.Model):
    """One item of the programme (nội dung chương trình)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("title"), max_length=300)
    has_paper_secret_documents = models.BooleanField(
        _("secret documents handed out on paper"),
        default=False,
        help_text=_(
            "State-secret documents never enter the system: they are handed out on paper and returned."
        ),
    )
    decision = models.TextField(_("decision or conclusion"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Delegate(models.Model):
    """A person invited to the meeting (đại biểu), with or without a motcua account."""

    class Group(models.TextChoices):
        MEMBER = "member", _("Member")
        GUEST = "guest", _("Invited guest")
        PRESS = "press", _("Press")

    class CheckIn(models.TextChoices):
        QR = "qr", _("personal QR code")
        CODE = "code", _("typed code")
        STAFF = "staff", _("by staff")
        ASSISTED = "assisted", _("by a helper")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="delegates")
    full_name = models.CharField(_("full name"), max_length=150)
    position = models.CharField(_("position"), max_length=200, blank=True)
    group = models.CharField(_("group"), max_length=10, choices=Group.choices, default=Group.MEMBER)
    substitute_for = models.ForeignKey(
        "self",
        verbose_name=_("attends in place of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="substitutes",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    code_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    check_in_method = models.CharField(max_length=10, choices=CheckIn.choices, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("access revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        ordering = ["meeting", "group", "full_name", "pk"]
        indexes = [models.Index(fields=["meeting", "group"], name="delegate_meeting_group")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def seat(self) -> Delegate:
        """The member whose vote this delegate casts (the principal for a substitute)."""
        return self.substitute_for if self.substitute_for_id else self


class AccessToken(models.Model):
    """A credential: the one-time QR token on a slip, or an API session of the provincial app.

    Only a SHA-256 of the random id is stored; the QR carries that id signed with the
    installation's key, so a forged token is told from an unknown one.
    """

    class Purpose(models.TextChoices):
        SLIP = "slip", _("access slip QR")
        API = "api", _("app session")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    delegate = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="tokens")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")
        indexes = [models.Index(fields=["delegate", "purpose"], name="token_delegate_purpose")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} #{self.pk}"


class Document(models.Model):
    """A meeting document (tài liệu họp) under an agenda item, with its audience."""

    class Classification(models.TextChoices):
        PUBLIC = "public", _("Public")
        INTERNAL = "internal", _("Internal (for delegates only)")
        RESTRICTED = "restricted", _("Restricted (named delegates or groups only)")

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    classification = models.CharField(_("classification"), max_length=12, choices=Classification.choices)
    groups = models.JSONField(_("groups"), default=list, blank=True)
    named_delegates = models.ManyToManyField(
        Delegate, verbose_name=_("named delegates"), blank=True, related_name="+"
    )
    current_version = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["agenda_item", "pk"]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    """One uploaded PDF of a document; versions are kept, never overwritten."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    file_name = models.CharField(max_length=300)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class AccessEvent(models.Model):
    """The append-only read and access audit: who opened which version when, and every refusal."""

    class Action(models.TextChoices):
        OPENED = "opened", _("opened a document")
        TOKEN_EXCHANGED = "token_exchanged", _("opened the slip QR")
        CODE_USED = "code_used", _("entered the typed code")
        REFUSED = "refused", _("refused")
        PUBLIC_OPENED = "public_opened", _("opened a public document")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    delegate = models.ForeignKey(Delegate, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(
        DocumentVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    reason = models.CharField(max_length=60, blank=True)
    at = models.DateTimeField(default=timezone.now)
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        indexes = [
            models.Index(fields=["meeting", "action", "at"], name="access_meeting_action"),
            models.Index(fields=["version", "delegate"], name="access_version_delegate"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class Notice(models.Model):
    """A message shown to a delegate on their page: a changed document, a reminder to read."""

    delegate = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="notices")
    text = models.CharField(max_length=400)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:60]


class PaperItem(models.Model):
    """A secret paper document handed to a delegate in the room and returned (thu hồi)."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="paper_items")
    delegate = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="+")
    description = models.CharField(_("document (number, title)"), max_length=300)
    handed_out_at = models.DateTimeField(default=timezone.now)
    handed_out_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return self.description


class Poll(models.Model):
    """A vote on an agenda item (biểu quyết): open (named) or secret ballot."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("not opened yet")
        OPEN = "open", _("voting open")
        CLOSED = "closed", _("closed")

    class Choice(models.TextChoices):
        YES = "yes", _("In favour")
        NO = "no", _("Against")
        ABSTAIN = "abstain", _("Abstain")

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(_("question"), max_length=300)
    secret = models.BooleanField(_("secret ballot"), default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["agenda_item", "pk"]

    def __str__(self) -> str:
        return self.question


class Ballot(models.Model):
    """That a seat voted in a poll. For an open ballot it also holds the choice; for a secret one
    only the count of its choice changes (:class:`SecretTally`). One per seat (a member and their
    substitute share one), enforced by the database."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    seat = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="+")
    cast_by = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(max_length=10, choices=Poll.Choice.choices, blank=True)
    at = models.DateTimeField(default=timezone.now)
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "seat"], name="ballot_one_per_seat"),
            models.UniqueConstraint(fields=["poll", "cast_by"], name="ballot_one_per_delegate"),
        ]

    def __str__(self) -> str:
        return f"ballot #{self.pk}"


class SecretTally(models.Model):
    """A secret ballot's running count per choice. No row per vote exists, so no order, time or
    row position can tie a choice to the :class:`Ballot` that says who voted."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="tallies")
    choice = models.CharField(max_length=10, choices=Poll.Choice.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "choice"], name="secret_tally_unique")]

    def __str__(self) -> str:
        return f"{self.poll_id} {self.choice}: {self.count}"


class Conclusion(models.Model):
    """The conclusion notice (thông báo kết luận), due within 5 working days of the meeting."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="conclusion")
    text = models.TextField(_("text"))
    due_at = models.DateTimeField(_("due"))
    drafted_at = models.DateTimeField(default=timezone.now)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"conclusion of {self.meeting_id}"
