"""Writing the audit log. Services call :func:`record`; the middleware supplies the actor."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Any

from django.db import models

from motcua.core.models import AuditRecord


@dataclass(frozen=True)
class AuditContext:
    user: Any = None
    ip_address: str | None = None


_NO_CONTEXT = AuditContext()
_current: contextvars.ContextVar[AuditContext] = contextvars.ContextVar("motcua_audit", default=_NO_CONTEXT)


def set_context(*, user: Any = None, ip_address: str | None = None) -> contextvars.Token:
    return _current.set(AuditContext(user=user, ip_address=ip_address))


def reset_context(token: contextvars.Token) -> None:
    _current.reset(token)


def _label(actor: Any) -> str:
    if actor is None:
        return "system"
    # A citizen's username is their personal ID number: keep it out of the label (the FK
    # already identifies them) so the number is not copied into every record.
    if getattr(actor, "personal_id", None) and not getattr(actor, "is_officer", False):
        return f"citizen#{actor.pk}"
    return actor.get_username()[:200]


def record(
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict | None = None,
    actor: Any = None,
) -> AuditRecord:
    """Append one audit record. ``actor`` defaults to the user of the current request."""
    context = _current.get()
    actor = actor if actor is not None else context.user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    return AuditRecord.objects.create(
        actor=actor,
        actor_label=_label(actor),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        changes=changes or {},
        ip_address=context.ip_address,
    )
