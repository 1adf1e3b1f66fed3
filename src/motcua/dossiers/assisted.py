"""Assisted submission: a helper files online for a citizen, who stays the applicant.

Helpers are desk officers and members of community digital-technology teams (tổ công nghệ số
cộng đồng). The dossier records the helper and is marked ``assisted`` so the province counts
self-service separately.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog import selectors as catalog_selectors
from motcua.dossiers import services

HELPER_ROLES = ("desk_officer", "community_helper")


class AssistError(Exception):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


def can_assist(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_officer", False):
        return False
    return user.roles.filter(role__in=HELPER_ROLES).exists()


@transaction.atomic
def start_assisted(
    *,
    helper,
    personal_id: str,
    full_name: str,
    phone: str,
    procedure_code: str,
    idempotency_key: str = "",
    channel: str = "online",
):
    """Find (or register) the citizen by personal ID and start a draft with ``helper`` recorded."""
    from motcua.accounts.personal_id import parse_personal_id

    errors: dict[str, str] = {}
    info = parse_personal_id(personal_id)
    if not info.valid:
        errors["personal_id"] = (
            str(info.reasons[0][1]) if info.reasons else _("Enter a 12-digit personal ID number.")
        )
    version = catalog_selectors.get_current_version(procedure_code.strip())
    if version is None:
        errors["procedure"] = _("Enter the code of a procedure, for example 1.001193.")
    User = get_user_model()
    citizen = User.objects.filter(personal_id=info.number).first() if info.valid else None
    if citizen is None and not full_name.strip():
        errors["full_name"] = _("Enter the citizen's full name as on their ID card.")
    if errors:
        raise AssistError(errors)
    if citizen is None:
        citizen = User(
            username=info.number, personal_id=info.number, full_name=full_name.strip()[:150], phone=phone[:20]
        )
        citizen.set_unusable_password()  # they can sign up or use VNeID later to see the dossier
        citizen.save()
    if citizen.pk == helper.pk:
        raise AssistError(
            {"personal_id": _("You cannot assist yourself; file the dossier from your own account.")}
        )
    dossier, _created = services.start_draft(
        version=version,
        applicant=citizen,
        helper=helper,
        idempotency_key=f"assisted-{helper.pk}-{idempotency_key}" if idempotency_key else "",
        channel=channel,
    )
    return dossier
