"""RFC 9457 problem details (``application/problem+json``) for every API error."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_response(
    *,
    status: int,
    title: str,
    detail: str = "",
    type_: str = "about:blank",
    errors: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> JsonResponse:
    body: dict[str, Any] = {"type": type_, "title": str(title), "status": status}
    if detail:
        body["detail"] = str(detail)
    if errors:
        body["errors"] = errors
    body.update(extra)
    return JsonResponse(
        body, status=status, content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )
