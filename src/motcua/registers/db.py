"""Database helpers shared by the services and the built-in adapter."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from django.db import transaction


def savepoint() -> AbstractContextManager:
    """A savepoint when the caller is inside a transaction, so that a failing query here does not
    break the caller's transaction; nothing otherwise (on SQLite a new transaction would take the
    write lock for a mere read)."""
    return transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()
