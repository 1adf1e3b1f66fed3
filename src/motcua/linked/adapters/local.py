"""The agency works in motcua: the stage's dossier is already in its queue."""

from __future__ import annotations

from motcua.linked.ports import AgencyConnector, register


@register("local")
class LocalConnector(AgencyConnector):
    @property
    def dispatches(self) -> bool:
        return False

    def dispatch(self, *, payload):  # pragma: no cover — never called: nothing to send
        return ""
