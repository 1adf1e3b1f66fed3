"""Fixtures for the desk: the dossier fixtures plus helpers to write events at given times."""

from __future__ import annotations

from tests.dossiers.conftest import (  # noqa: F401 — fixtures re-exported for tests/desk
    _media,
    citizen,
    draft,
    other_citizen,
    tree,
    version,
)
