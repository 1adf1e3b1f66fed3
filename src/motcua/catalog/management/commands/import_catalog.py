"""``motcua import-catalog FILE``: validate everything, then import, or import nothing."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.exchange import CatalogImportError, import_catalog, validate_catalog


class Command(BaseCommand):
    help = "Import procedures from a catalog JSON file (docs/catalog-schema.md)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="catalog file, or - for standard input")
        parser.add_argument("--check", action="store_true", help="only validate; write nothing")
        parser.add_argument("--as-draft", action="store_true", help="leave changed procedures as drafts")

    def handle(self, *args, path, check, as_draft, **options):
        import sys

        try:
            raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        try:
            if check:
                catalog = validate_catalog(raw)
                self.stdout.write(
                    self.style.SUCCESS(f"OK: {len(catalog.procedures)} procedures, no problems")
                )
                return
            report = import_catalog(raw, publish=not as_draft)
        except CatalogImportError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(exc.problems)} problem(s); nothing was imported") from exc
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
