"""Writes for accounts: citizens, officers, roles. Keyword-only, one transaction each.

Role changes are audited. The personal ID number is never written to the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import OfficerRole, User
from motcua.accounts.personal_id import parse_personal_id
from motcua.core import audit
from motcua.org.models import Agency

Role = OfficerRole.Role


def _set_password(user: User, password: str, password_hash: str | None, *, check_strength: bool) -> None:
    """Hash ``password`` into ``user`` — or take ``password_hash`` as it is (demo data and
    imports hash once for many accounts)."""
    if password_hash:
        user.password = password_hash
        return
    _check_password(password, user, check_strength=check_strength)
    user.set_password(password)


def _check_password(password: str, user: User, *, check_strength: bool) -> None:
    if not password:
        raise ValidationError({"password": ValidationError(_("Enter a password."), code="password_required")})
    if check_strength:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.error_list}) from None


def _check_email(email: str) -> None:
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                {
                    "email": ValidationError(
                        _("Enter an e-mail address such as ten@example.com, or leave it empty."), code="email"
                    )
                }
            ) from None


def create_citizen(
    *,
    personal_id: str,
    password: str,
    full_name: str,
    phone: str = "",
    email: str = "",
    assurance_level: int = User.AssuranceLevel.SELF_REGISTERED,
    check_password_strength: bool = True,
    password_hash: str | None = None,
) -> User:
    """Register a citizen whose username is their 12-digit personal ID number.

    Raises :class:`ValidationError` keyed by field: an invalid personal ID (one message per
    broken rule), an ID already registered, a missing name, a weak password.
    """
    info = parse_personal_id(personal_id)
    if not info.valid:
        raise ValidationError({"personal_id": [ValidationError(m, code=c) for c, m in info.reasons]})
    number = info.number
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError(
            {
                "full_name": ValidationError(
                    _("Enter your full name as printed on the citizen ID card."), code="full_name"
                )
            }
        )
    _check_email(email)
    if User.objects.filter(personal_id=number).exists() or User.objects.filter(username=number).exists():
        raise ValidationError(
            {
                "personal_id": ValidationError(
                    _(
                        "An account with this personal ID number already exists. Log in, or reset the password if you have forgotten it."
                    ),
                    code="duplicate",
                )
            }
        )
    user = User(
        username=number,
        personal_id=number,
        full_name=full_name,
        phone=(phone or "").strip(),
        email=email,
        assurance_level=assurance_level,
        is_officer=False,
    )
    _set_password(user, password, password_hash, check_strength=check_password_strength)
    with transaction.atomic():
        user.save()
        # No personal data in the log: the id and the assurance level only.
        audit.record(
            action="accounts.citizen_created",
            obj=user,
            object_repr=f"user #{user.pk}",
            changes={"assurance_level": int(assurance_level)},
        )
    return user


def create_officer(
    *,
    username: str,
    password: str,
    full_name: str,
    agency: Agency,
    roles: Iterable[str],
    email: str = "",
    phone: str = "",
    is_staff: bool = False,
    check_password_strength: bool = True,
    password_hash: str | None = None,
    actor=None,
) -> User:
    """Create an officer account holding ``roles`` at ``agency`` (each grant is audited)."""
    username = (username or "").strip()
    roles = list(roles)
    if not username:
        raise ValidationError(
            {"username": ValidationError(_("Enter a username for the officer."), code="username")}
        )
    if User.objects.filter(username=username).exists():
        raise ValidationError(
            {
                "username": ValidationError(
                    _("The username %(username)s is taken. Choose another one.") % {"username": username},
                    code="duplicate",
                )
            }
        )
    if not (full_name or "").strip():
        raise ValidationError(
            {"full_name": ValidationError(_("Enter the officer's full name."), code="full_name")}
        )
    if not roles:
        raise ValidationError(
            {"roles": ValidationError(_("Choose at least one role for the officer."), code="roles")}
        )
    _check_roles(roles)
    _check_email(email)
    user = User(
        username=username,
        full_name=full_name.strip(),
        email=email,
        phone=phone,
        is_officer=True,
        is_staff=is_staff,
    )
    _set_password(user, password, password_hash, check_strength=check_password_strength)
    with transaction.atomic():
        user.save()
        audit.record(
            action="accounts.officer_created", obj=user, changes={"agency": agency.code}, actor=actor
        )
        for role in roles:
            grant_role(user=user, agency=agency, role=role, actor=actor)
    return user


def _check_roles(roles: Iterable[str]) -> None:
    for role in roles:
        if role not in Role.values:
            raise ValidationError(
                {
                    "role": ValidationError(
                        _("%(role)s is not a role. Choose one of: %(choices)s.")
                        % {"role": role, "choices": ", ".join(Role.values)},
                        code="role",
                    )
                }
            )


def grant_role(*, user: User, agency: Agency, role: str, actor=None) -> OfficerRole:
    """Give ``user`` ``role`` at ``agency`` (and so in its subtree). Idempotent: granting a
    role already held returns it and writes nothing."""
    _check_roles([role])
    with transaction.atomic():
        officer_role, created = OfficerRole.objects.get_or_create(user=user, agency=agency, role=role)
        if created:
            if not user.is_officer:
                user.is_officer = True
                user.save(update_fields=["is_officer"])
            audit.record(
                action="accounts.role_granted",
                obj=officer_role,
                changes={"user": user.pk, "agency": agency.code, "role": role},
                actor=actor,
            )
    return officer_role


def revoke_role(*, user: User, agency: Agency, role: str, actor=None) -> bool:
    """Take ``role`` at ``agency`` away from ``user``. Returns ``False`` if it was not held."""
    _check_roles([role])
    with transaction.atomic():
        officer_role = OfficerRole.objects.filter(user=user, agency=agency, role=role).first()
        if officer_role is None:
            return False
        audit.record(
            action="accounts.role_revoked",
            obj=officer_role,
            changes={"user": user.pk, "agency": agency.code, "role": role},
            actor=actor,
        )
        officer_role.delete()
    return True


def set_assurance_level(*, user: User, level: int, actor=None) -> User:
    """Record that the citizen's identity was verified (2) or only self-registered (1)."""
    if level not in User.AssuranceLevel.values:
        raise ValidationError(
            {"assurance_level": ValidationError(_("Choose assurance level 1 or 2."), code="assurance_level")}
        )
    if user.assurance_level != level:
        with transaction.atomic():
            old = user.assurance_level
            user.assurance_level = level
            user.save(update_fields=["assurance_level"])
            audit.record(
                action="accounts.assurance_level_changed",
                obj=user,
                object_repr=f"user #{user.pk}",
                changes={"assurance_level": [old, level]},
                actor=actor,
            )
    return user
