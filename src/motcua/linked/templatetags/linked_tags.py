"""``{% linked_stages dossier %}`` on the application's pages, ``{% linked_context dossier %}`` on a
stage's dossier: dossiers' templates show linked procedures without importing this app."""

from __future__ import annotations

from django import template

from motcua.linked import selectors

register = template.Library()


@register.inclusion_tag("linked/_stages.html")
def linked_stages(dossier, public=False):
    """The stages of a linked application with each agency, state, due date and results.
    ``public`` (tracking by code) leaves out links and results."""
    if dossier is None or not getattr(dossier, "is_linked_application", False):
        return {"stages": []}
    return {"stages": selectors.stages_of(dossier), "public": public, "application": dossier}


@register.inclusion_tag("linked/_stages.html")
def linked_public_stages(status):
    """On public tracking (a ``PublicStatus``): the stages of a linked application, no links."""
    if status is None or not getattr(status, "is_linked_application", False):
        return {"stages": []}
    return {"stages": selectors.stages_of_id(status.id), "public": True}


@register.inclusion_tag("linked/_context.html")
def linked_context(dossier, officer=False):
    """On a stage's dossier: which application it belongs to and the data handed on to it."""
    stage = selectors.stage_of(dossier) if dossier is not None else None
    if stage is None:
        return {"stage": None}
    return {
        "stage": stage,
        "officer": officer,
        "handed_on": selectors.handed_on(stage) if officer else {},
        "total": stage.application.linked_stages.count(),
    }
