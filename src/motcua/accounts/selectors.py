"""Reads about users, roles and what an officer may see (scope).

Scope rule: an officer sees the subtrees of the agencies where they hold any role. A province
administrator sees the whole province wherever the role is held; a superuser sees everything;
a citizen (no roles) sees no agency. Seeing is not acting: an auditor sees, but holds no
acting role (see :data:`ACTING_ROLES` and :func:`can_act`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from motcua.accounts.models import OfficerRole, User
from motcua.org.models import Agency

Role = OfficerRole.Role

#: Roles that may change dossiers or configuration. The auditor's role is read-only.
ACTING_ROLES: frozenset[str] = frozenset(
    {Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER, Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN}
)
#: Roles that may administer agencies and officers in their subtree.
ADMIN_ROLES: frozenset[str] = frozenset({Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN})


def _is_active_user(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _roles(role: str | Iterable[str]) -> list[str]:
    return [role] if isinstance(role, str) else list(role)


def roles_of(user) -> QuerySet[OfficerRole]:
    """The user's roles with their agencies (one query with a join)."""
    if not _is_active_user(user):
        return OfficerRole.objects.none()
    return OfficerRole.objects.filter(user=user).select_related("agency").order_by("agency__path", "role")


def visible_agencies(user) -> QuerySet[Agency]:
    """Agencies ``user`` may see: the subtrees of the agencies where they hold any role.

    Superuser or province administrator → every agency; no roles (a citizen, an anonymous
    visitor) → none. One query for the roles, one for the agencies.
    """
    if not _is_active_user(user):
        return Agency.objects.none()
    if user.is_superuser:
        return Agency.objects.all()
    held = list(OfficerRole.objects.filter(user=user).values_list("role", "agency__path"))
    if not held:
        return Agency.objects.none()
    if any(role == Role.PROVINCE_ADMIN for role, _path in held):
        return Agency.objects.all()
    paths = sorted({path for _role, path in held})
    # Keep only the top-most paths: a subtree inside another adds nothing.
    tops: list[str] = []
    for path in paths:
        if not any(path.startswith(top) for top in tops):
            tops.append(path)
    condition = Q()
    for path in tops:
        condition |= Q(path__startswith=path)
    return Agency.objects.filter(condition)


def can_see(user, agency: Agency) -> bool:
    """True when ``agency`` is in ``user``'s scope (no query beyond one for the roles)."""
    if not _is_active_user(user):
        return False
    if user.is_superuser:
        return True
    held = OfficerRole.objects.filter(user=user).values_list("role", "agency_id")
    ancestors = set(agency.ancestor_ids())
    return any(role == Role.PROVINCE_ADMIN or agency_id in ancestors for role, agency_id in held)


def has_role(user, role: str | Iterable[str], agency: Agency) -> bool:
    """True when ``user`` holds ``role`` (or one of ``role`` if several) at ``agency`` or at one
    of its ancestors. Being a superuser does not give a role. One query."""
    if not _is_active_user(user):
        return False
    return OfficerRole.objects.filter(
        user=user, role__in=_roles(role), agency_id__in=agency.ancestor_ids(include_self=True)
    ).exists()


def can_act(user, agency: Agency) -> bool:
    """True when ``user`` holds an acting role (not just ``auditor``) at ``agency`` or above."""
    return has_role(user, ACTING_ROLES, agency)


def can_administer(user, agency: Agency) -> bool:
    """Superuser, province administrator anywhere, or agency administrator at ``agency`` or above."""
    if not _is_active_user(user):
        return False
    if user.is_superuser:
        return True
    return (
        OfficerRole.objects.filter(user=user)
        .filter(Q(role=Role.PROVINCE_ADMIN) | Q(role=Role.AGENCY_ADMIN, agency_id__in=agency.ancestor_ids()))
        .exists()
    )


def administers_any(user) -> bool:
    """True when ``user`` may administer at least one agency (superuser or an admin role)."""
    if not _is_active_user(user):
        return False
    return user.is_superuser or OfficerRole.objects.filter(user=user, role__in=ADMIN_ROLES).exists()


def administered_agencies(user) -> QuerySet[Agency]:
    """Agencies ``user`` may administer: every agency for a superuser or province
    administrator, the subtrees of their ``agency_admin`` roles otherwise."""
    if not _is_active_user(user):
        return Agency.objects.none()
    if user.is_superuser or OfficerRole.objects.filter(user=user, role=Role.PROVINCE_ADMIN).exists():
        return Agency.objects.all()
    paths = list(
        OfficerRole.objects.filter(user=user, role=Role.AGENCY_ADMIN).values_list("agency__path", flat=True)
    )
    if not paths:
        return Agency.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return Agency.objects.filter(condition)


def officers_at(agency: Agency, *, role: str | Iterable[str] | None = None) -> QuerySet[User]:
    """Active users holding a role (or ``role``) directly at ``agency``."""
    qs = User.objects.filter(is_active=True, roles__agency=agency)
    if role is not None:
        qs = qs.filter(roles__role__in=_roles(role))
    return qs.distinct().order_by("full_name", "username")


def citizen_by_personal_id(personal_id: str) -> User | None:
    from motcua.accounts.personal_id import normalise

    return User.objects.filter(personal_id=normalise(personal_id)).first()


def meets_assurance(user, level: int | None) -> bool:
    """True when ``user`` may use a service that requires identity assurance ``level``.

    Level 1 (or ``None``/0): any active, logged-in account. Level 2: an account whose identity
    was verified with the national e-ID (VNeID). An anonymous visitor meets no level.
    """
    if not _is_active_user(user):
        return False
    return int(getattr(user, "assurance_level", 0) or 0) >= int(level or 1)
