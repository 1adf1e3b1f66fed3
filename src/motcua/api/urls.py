"""Assembles the ninja routers that live in each app's ``api.py`` under ``/api/v1/``.

Every error leaves as RFC 9457 problem+json with a Vietnamese (or English) title and, for
validation errors, one entry per bad field with its path.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from motcua.core.problem import problem_response

api = NinjaAPI(
    title="motcua API",
    version="1",
    description="Public service portal and one-stop back office of the province. Errors are application/problem+json.",
    urls_namespace="api-v1",
)


def _loc_to_path(loc) -> str:
    parts = [str(p) for p in loc if p not in ("query", "path", "body", "header", "form")]
    return ".".join(parts)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    errors = [
        {"path": _loc_to_path(err.get("loc", ())), "message": err.get("msg", ""), "code": err.get("type", "")}
        for err in exc.errors
    ]
    return problem_response(
        status=422,
        title=_("The request has invalid values"),
        detail="; ".join(f"{e['path']}: {e['message']}" for e in errors),
        type_="/problems/validation",
        errors=errors,
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return problem_response(
        status=404, title=_("Not found"), detail=str(exc) if str(exc) else "", type_="/problems/not-found"
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return problem_response(status=401, title=_("Please log in"), type_="/problems/unauthenticated")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return problem_response(status=exc.status_code, title=str(exc.message))


def _mount() -> None:
    from motcua.accounts.api import router as accounts_router
    from motcua.catalog.api import router as catalog_router
    from motcua.core.api import router as core_router
    from motcua.desk.api import router as desk_router
    from motcua.dossiers.api import router as dossiers_router
    from motcua.linked.api import router as linked_router
    from motcua.meetings.api import router as meetings_router
    from motcua.org.api import router as org_router
    from motcua.reform.api import router as reform_router
    from motcua.results.api import router as results_router

    api.add_router("", core_router)
    api.add_router("", org_router)
    api.add_router("", accounts_router)
    api.add_router("", catalog_router)
    api.add_router("", dossiers_router)
    api.add_router("", desk_router)
    api.add_router("", results_router)
    api.add_router("", linked_router)
    api.add_router("", meetings_router)
    api.add_router("", reform_router)


_mount()
