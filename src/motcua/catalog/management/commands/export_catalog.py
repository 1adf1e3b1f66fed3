"""``motcua export-catalog [FILE]``: the current catalog in the exchange format."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from motcua.catalog.exchange import export_catalog


class Command(BaseCommand):
    help = "Export the current catalog as JSON (docs/catalog-schema.md)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="-", help="output file, - for standard output")

    def handle(self, *args, path, **options):
        text = json.dumps(export_catalog(), ensure_ascii=False, indent=2) + "\n"
        if path == "-":
            self.stdout.write(text, ending="")
        else:
            Path(path).write_text(text, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"written {path}"))
