"""Reads of linked applications: the stages of an application, the stage of a dossier."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from motcua.catalog.models import LinkedGroup
from motcua.dossiers.models import Dossier
from motcua.linked.models import Stage


def stages_of(application: Dossier) -> list[Stage]:
    """The application's stages in order, with their agencies, dossiers and valid results."""
    return stages_of_id(application.pk)


def stages_of_id(application_id: int) -> list[Stage]:
    from motcua.results.models import Result

    return list(
        Stage.objects.filter(application_id=application_id)
        .select_related("agency", "dossier")
        .prefetch_related(
            Prefetch(
                "dossier__results",
                queryset=Result.objects.filter(revoked_at__isnull=True).order_by("signed_at"),
                to_attr="valid_results",
            )
        )
        .order_by("position")
    )


def stage_of(dossier: Dossier) -> Stage | None:
    """The stage a dossier was opened for, with its application (None for an ordinary dossier)."""
    if not dossier.linked_parent_id:
        return None
    return Stage.objects.select_related("application", "agency").filter(dossier=dossier).first()


def handed_on(stage: Stage) -> dict[str, dict]:
    """The outputs of the stages this one needs, by procedure code (what the officer relies on)."""
    return {
        s.procedure_code: {"name": s.procedure_name, "outputs": s.outputs}
        for s in Stage.objects.filter(
            application_id=stage.application_id, procedure_code__in=stage.depends_on
        )
    }


def groups() -> QuerySet[LinkedGroup]:
    return LinkedGroup.objects.select_related("procedure").prefetch_related(
        "members__procedure", "members__depends_on__procedure"
    )
