"""Demo data for the linked app, loaded by `motcua demo` (idempotent)."""

from __future__ import annotations


def build_demo() -> list[tuple[str, str, str]]:
    """Create this app's demo data; return demo logins as (username, password, description)."""
    return []
