"""Every user-facing string has its Vietnamese translation (Vietnamese is the default language)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "motcua"
CATALOGUE = PACKAGE / "locale" / "vi" / "LC_MESSAGES" / "django.po"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed (make sysdeps)")
def test_every_message_in_the_code_is_translated_to_vietnamese(tmp_path):
    copy = tmp_path / "motcua"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "data"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "motcua.settings"}
    subprocess.run(
        [sys.executable, "-m", "motcua", "makemessages", "-l", "vi", "--no-location", "--no-obsolete"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(copy / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in fresh.untranslated_entries()] + [e.msgid for e in fresh.fuzzy_entries()]
    assert missing == [], (
        f"{len(missing)} strings lack a Vietnamese translation (run `make messages`): {missing[:20]}"
    )


def test_the_compiled_catalogue_is_up_to_date():
    compiled = CATALOGUE.with_suffix(".mo")
    assert compiled.exists(), "run `make messages`"
    source = polib.pofile(str(CATALOGUE))
    binary = polib.mofile(str(compiled))
    translated = {(e.msgctxt, e.msgid): e.msgstr for e in source.translated_entries() if not e.msgid_plural}
    in_binary = {(e.msgctxt, e.msgid): e.msgstr for e in binary if e.msgid and not e.msgid_plural}
    assert translated == in_binary, "the .mo file is older than the .po file: run `make messages`"


def test_translations_keep_every_placeholder():
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
    problems = []
    for entry in polib.pofile(str(CATALOGUE)).translated_entries():
        if entry.msgid_plural:
            pairs = [(entry.msgid_plural, s) for s in entry.msgstr_plural.values()]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, target in pairs:
            if sorted(placeholder.findall(source)) != sorted(placeholder.findall(target)):
                problems.append(source)
    assert problems == []
