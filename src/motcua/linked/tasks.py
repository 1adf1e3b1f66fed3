"""Sending stages to agencies' own systems, outside the writing transaction (outbox)."""

from __future__ import annotations

from django_tasks import task


@task()
def dispatch_stage(stage_id: int) -> str:
    """Send one stage to its agency's system; failures are kept on the stage and retried by
    ``motcua periodic`` (see :func:`motcua.linked.services.retry_dispatches`)."""
    from motcua.linked.services import dispatch

    return dispatch(stage_id=stage_id)
