"""Loads the demo catalog shipped in ``catalog/data/demo_catalog.json``."""

from __future__ import annotations

from pathlib import Path

from motcua.catalog.exchange import ImportReport, import_catalog

DEMO_CATALOG = Path(__file__).resolve().parent / "data" / "demo_catalog.json"


def load_demo_catalog() -> ImportReport:
    return import_catalog(DEMO_CATALOG.read_bytes())
