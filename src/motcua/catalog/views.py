"""Public catalog pages: home, browse and search, one procedure. Thin: selectors do the work."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog import selectors
from motcua.catalog.models import ProcedureVersion


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


def home(request):
    return render(
        request,
        "catalog/home.html",
        {
            "life_events": [e for e in selectors.life_events_with_counts() if e.count],
            "sectors": selectors.sectors_with_counts(),
            "linked_groups": selectors.linked_groups(),
            "agencies": selectors.browsable_agencies(),
            "commune_count": selectors.commune_procedure_count(),
        },
    )


def procedure_list(request):
    params = {
        key: request.GET.get(key, "").strip()
        for key in ("q", "sector", "level", "agency", "life_event", "online_level")
    }
    if params["level"] not in ("", *ProcedureVersion.Level.values):
        params["level"] = ""
    if params["online_level"] not in ("", *ProcedureVersion.OnlineLevel.values):
        params["online_level"] = ""
    result = selectors.search_procedures(**params, page=_int(request.GET.get("page"), 1))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "catalog/list.html",
        {
            "params": params,
            "result": result,
            # Callables: the template calls them only when the cached filter lists are renewed.
            "sectors": selectors.sectors_with_counts,
            "life_events": lambda: [e for e in selectors.life_events_with_counts() if e.count],
            "agencies": selectors.browsable_agencies,
            "levels": ProcedureVersion.Level.choices,
            "online_levels": ProcedureVersion.OnlineLevel.choices,
            "query_without_page": query_without_page.urlencode(),
            "catalog_generation": selectors.catalog_generation(),
        },
    )


def procedure_detail(request, code: str):
    version = selectors.get_current_version(code)
    if version is None:
        raise Http404(_("No procedure with code %(code)s.") % {"code": code})
    today = timezone.localdate()
    fees = selectors.fees_by_channel(version, today)
    return render(
        request,
        "catalog/detail.html",
        {
            "version": version,
            "documents": list(version.documents.all()),
            "fees_online": fees["online"],
            "fees_in_person": fees["in_person"],
            "online_has_own_fees": any(f.channel == "online" for f in fees["online"]),
            "online_saving": selectors.online_saving(version, today),
            "due_at": selectors.due_if_submitted(version, online=True),
            "now": timezone.now(),
            "agencies": list(version.agencies.all()),
            "steps": list(version.steps.all()),
            "linked_groups": [
                g
                for g in selectors.linked_groups()
                if any(m.procedure_id == version.procedure_id for m in g.members.all())
            ],
        },
    )
