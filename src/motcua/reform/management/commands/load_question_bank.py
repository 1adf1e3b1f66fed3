"""``motcua load_question_bank [FILE]``: load a (new version of the) review question bank."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from motcua.reform.services import QUESTION_BANK_FILE, load_question_bank


class Command(BaseCommand):
    help = "Load the review question bank (JSON, versioned) and make it current."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(QUESTION_BANK_FILE))

    def handle(self, *args, file, **options):
        bank = load_question_bank(path=Path(file))
        self.stdout.write(f"Question bank {bank.version}: {bank.questions.count()} questions (current)")
