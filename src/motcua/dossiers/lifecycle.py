"""The dossier lifecycle: one declarative transition table and the one service that runs it.

Nothing else assigns ``Dossier.status``. :func:`transition` locks the dossier, checks that the
action is allowed from the current state for this actor (role and agency scope), applies the
action's effects, appends a :class:`~motcua.dossiers.models.DossierEvent`, saves the current-state
columns and runs the after-effects (notifications, sync tasks — enqueued in the same
transaction, so they are the outbox) — all in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, DossierEvent, Status

APPLICANT = "applicant"  # the citizen who files (or the helper acting for them)
SYSTEM = "system"  # the scheduler, e.g. refusing a dossier whose supplement deadline passed
EXTERNAL = "external_agency"  # another agency's own system, through the linked-procedure callback
RESUME = "resume"  # target: back to the state the dossier was in when the supplement was requested
COMPUTED = "computed"  # target: set by the action's effect (a linked application follows its stages)
DESK, SPECIALIST, LEADER = "desk_officer", "specialist", "leader"
ACTIVE = frozenset({Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED, Status.RECEIVED, Status.IN_PROGRESS})


@dataclass(frozen=True)
class Transition:
    """One row of the table: ``action`` from any of ``sources`` to ``target`` by ``roles``.

    ``target`` None keeps the state (e.g. an apology changes the appointment, not the state);
    ``RESUME`` returns to the state the dossier had when the supplement was requested;
    ``COMPUTED`` takes the state an effect put in ``Context.data["status"]``.
    ``form`` is the Circular 03/2025/TT-VPCP form the action issues, if any.
    """

    action: str
    sources: frozenset[str]
    target: str | None
    roles: frozenset[str]
    form: str = ""
    label: Any = ""


def _t(action, sources, target, roles, form="", label=""):
    return Transition(action, frozenset(sources), target, frozenset(roles), form, label)


TRANSITIONS: tuple[Transition, ...] = (
    _t("submit", {Status.DRAFT}, Status.SUBMITTED, {APPLICANT}, label=_("Submit")),
    _t("withdraw", ACTIVE, Status.WITHDRAWN, {APPLICANT}, label=_("Withdraw")),
    _t("receive", {Status.SUBMITTED}, Status.RECEIVED, {DESK, EXTERNAL}, "01", _("Receive")),
    _t(
        "request_supplement",
        {Status.SUBMITTED, Status.RECEIVED, Status.IN_PROGRESS},
        Status.SUPPLEMENT_REQUESTED,
        {DESK, SPECIALIST, EXTERNAL},
        "02",
        _("Request a supplement"),
    ),
    _t(
        "supplement",
        {Status.SUPPLEMENT_REQUESTED},
        RESUME,
        {APPLICANT},
        label=_("Send the supplement"),
    ),
    _t(
        "refuse",
        {Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED, Status.RECEIVED, Status.IN_PROGRESS},
        Status.REFUSED,
        {DESK, LEADER, SYSTEM, EXTERNAL},
        "03",
        _("Refuse"),
    ),
    _t("assign", {Status.RECEIVED, Status.IN_PROGRESS}, Status.IN_PROGRESS, {LEADER}, label=_("Assign")),
    _t(
        "forward",
        {Status.RECEIVED, Status.IN_PROGRESS},
        Status.IN_PROGRESS,
        {DESK, SPECIALIST, LEADER},
        label=_("Forward"),
    ),
    _t("send_back", {Status.IN_PROGRESS}, Status.IN_PROGRESS, {SPECIALIST, LEADER}, label=_("Send back")),
    _t(
        "transfer",
        {Status.RECEIVED, Status.IN_PROGRESS},
        Status.IN_PROGRESS,
        {DESK, LEADER},
        label=_("Transfer"),
    ),
    _t("approve", {Status.IN_PROGRESS}, Status.IN_PROGRESS, {LEADER}, label=_("Approve")),
    _t(
        "issue_result",
        {Status.IN_PROGRESS},
        Status.RESOLVED,
        {LEADER, SPECIALIST},
        label=_("Issue the result"),
    ),
    _t("return_result", {Status.RESOLVED}, Status.RETURNED, {DESK}, label=_("Return the result")),
    _t("apologise", {Status.RECEIVED, Status.IN_PROGRESS}, None, {LEADER}, "04", _("Apologise and extend")),
    _t("stop", {Status.RECEIVED, Status.IN_PROGRESS}, Status.STOPPED, {LEADER}, "05", _("Stop processing")),
    # Linked procedures: a stage's dossier is opened by the system when its stage starts; an
    # agency working in its own system reports its result through the callback.
    _t(
        "open_stage", {Status.DRAFT}, Status.SUBMITTED, {SYSTEM}, label=_("Sent on by the linked application")
    ),
    _t(
        "record_result",
        {Status.RECEIVED, Status.IN_PROGRESS},
        Status.RESOLVED,
        {EXTERNAL},
        label=_("Result reported by the agency's system"),
    ),
    _t(
        "sync_linked",
        ACTIVE | {Status.RESOLVED},  # a finished application never changes again
        COMPUTED,
        {SYSTEM},
        label=_("Status of the linked application updated"),
    ),
)
# A linked application is never acted on directly: its stages' dossiers are.
LINKED_APPLICATION_ACTIONS = frozenset({"submit", "sync_linked"})
TABLE: dict[str, Transition] = {t.action: t for t in TRANSITIONS}


class TransitionError(Exception):
    """The action cannot be taken now; ``message`` says why in words for the person."""

    code = "transition"

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


class NotAllowed(TransitionError):
    code = "not_allowed"


class ConcurrentChange(TransitionError):
    code = "concurrent_change"


@dataclass
class Context:
    """What an effect may read and add to: the actor, the comment, and the event's data."""

    dossier: Dossier
    actor: Any
    comment: str = ""
    data: dict = field(default_factory=dict)
    now: Any = None


Effect = Callable[[Context], None]
_effects: dict[str, list[Effect]] = {}
_after: dict[str, list[Effect]] = {}


def effect(action: str):
    """Register a function that changes the dossier's columns when ``action`` runs."""

    def register(fn: Effect) -> Effect:
        _effects.setdefault(action, []).append(fn)
        return fn

    return register


def after(action: str):
    """Register a function run after the state is saved, in the same transaction (outbox)."""

    def register(fn: Effect) -> Effect:
        _after.setdefault(action, []).append(fn)
        return fn

    return register


def _is_applicant(dossier: Dossier, actor) -> bool:
    # An anonymous visitor has pk None, like a dossier without a helper: never the applicant.
    pk = getattr(actor, "pk", None)
    return pk is not None and pk in (dossier.applicant_id, dossier.helper_id)


def _has_officer_role(dossier: Dossier, actor, roles: frozenset[str]) -> bool:
    from motcua.accounts.selectors import has_role

    agencies = [a for a in (dossier.receiving_agency, dossier.competent_agency) if a is not None]
    return any(has_role(actor, list(roles), agency) for agency in agencies)


def allowed_actions(dossier: Dossier, actor) -> list[Transition]:
    """The actions this actor may take on this dossier now (the buttons to show).

    The actor's roles at the dossier's agencies are read once (one query), not once per
    transition: every API answer and dossier page lists these actions.
    """
    held = _held_roles(dossier, actor)
    return [t for t in TRANSITIONS if dossier.status in t.sources and _may(dossier, actor, t, held)]


def _held_roles(dossier: Dossier, actor) -> frozenset[str]:
    """The roles ``actor`` holds at the receiving or competent agency or at their ancestors."""
    from motcua.accounts.models import OfficerRole
    from motcua.accounts.selectors import _is_active_user

    if actor is SYSTEM or not _is_active_user(actor):
        return frozenset()
    ids = {
        i
        for a in (dossier.receiving_agency, dossier.competent_agency)
        if a is not None
        for i in a.ancestor_ids()
    }
    if not ids:
        return frozenset()
    return frozenset(OfficerRole.objects.filter(user=actor, agency_id__in=ids).values_list("role", flat=True))


def _may(dossier: Dossier, actor, t: Transition, held: frozenset[str] | None = None) -> bool:
    if dossier.is_linked_application and t.action not in LINKED_APPLICATION_ACTIONS:
        return False
    if actor is SYSTEM:
        return SYSTEM in t.roles
    if actor is EXTERNAL:
        return EXTERNAL in t.roles
    if APPLICANT in t.roles and _is_applicant(dossier, actor):
        return True
    officer_roles = t.roles - {APPLICANT, SYSTEM}
    if held is not None:
        return bool(officer_roles & held)
    return bool(officer_roles) and _has_officer_role(dossier, actor, officer_roles)


PRIVATE_ACTIONS = frozenset({"assign", "send_back"})  # internal work, not on public tracking


def _state_before_supplement(dossier: Dossier) -> str:
    last = dossier.events.filter(action="request_supplement").order_by("-at", "-id").first()
    return last.from_status if last else Status.SUBMITTED


def _reuse_loaded_relations(caller: Dossier, locked: Dossier) -> None:
    """The caller's copy usually holds the procedure version (with its documents and fees read
    in advance) and the applicant: hand them to the locked copy instead of reading them again."""
    for name in ("procedure_version", "applicant"):
        field = Dossier._meta.get_field(name)
        if (
            caller is not locked
            and field.is_cached(caller)
            and getattr(caller, field.attname) == getattr(locked, field.attname)
        ):
            field.set_cached_value(locked, field.get_cached_value(caller))


def transition(
    *,
    dossier: Dossier,
    action: str,
    actor,
    comment: str = "",
    data: dict | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Run ``action`` on ``dossier`` for ``actor``; return the saved dossier.

    Two officers acting at once: the row lock (PostgreSQL) or the IMMEDIATE transaction and the
    version check (SQLite) let one win; the other gets :class:`ConcurrentChange`.
    """
    rule = TABLE.get(action)
    if rule is None:
        raise NotAllowed(_("Unknown action."))
    with transaction.atomic():
        locked = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("receiving_agency", "competent_agency")
            .get(pk=dossier.pk)
        )
        _reuse_loaded_relations(dossier, locked)
        if expected_version is not None and locked.lock_version != expected_version:
            raise ConcurrentChange(
                _("Someone else has just changed this dossier. Reload the page and try again.")
            )
        if locked.status not in rule.sources:
            raise NotAllowed(
                _("This cannot be done while the dossier is “%(status)s”.")
                % {"status": locked.get_status_display()}
            )
        if not _may(locked, actor, rule):
            raise NotAllowed(_("You are not allowed to do this for this dossier."))
        context = Context(
            dossier=locked, actor=actor, comment=comment, data=dict(data or {}), now=timezone.now()
        )
        before = locked.status
        for fn in _effects.get(action, []):
            fn(context)
        if rule.target == RESUME:
            locked.status = _state_before_supplement(locked)
        elif rule.target == COMPUTED:
            locked.status = context.data["status"]
        elif rule.target is not None:
            locked.status = rule.target
        updated = Dossier.objects.filter(pk=locked.pk, lock_version=locked.lock_version).update(
            lock_version=F("lock_version") + 1
        )
        if updated != 1:
            raise ConcurrentChange(
                _("Someone else has just changed this dossier. Reload the page and try again.")
            )
        locked.lock_version += 1
        locked.save()
        DossierEvent.objects.create(
            dossier=locked,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            public=action not in PRIVATE_ACTIONS,
            action=action,
            from_status=before,
            to_status=locked.status,
            comment=comment,
            data={**context.data, **({"form": rule.form} if rule.form else {})},
        )
        for fn in _after.get(action, []):
            fn(context)
    return locked
