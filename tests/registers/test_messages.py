"""Every user-facing string of the registers app has a Vietnamese line in messages_vi.txt."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "src" / "motcua" / "registers"


def _msgids() -> set[str]:
    found = set()
    for path in APP.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def _catalogue() -> dict[str, str]:
    entries = {}
    for line in (APP / "messages_vi.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            msgid, _sep, translation = line.partition(" => ")
            entries[msgid] = translation
    return entries


def test_every_message_has_a_vietnamese_translation():
    catalogue = _catalogue()
    missing = sorted(_msgids() - set(catalogue))
    assert missing == []
    assert all(translation.strip() for translation in catalogue.values())


def test_the_catalogue_keeps_the_placeholders():
    for msgid, translation in _catalogue().items():
        for placeholder in ("%(line)d", "%(column)s", "%(value)s", "%(code)s", "%(count)d", "%(max)d"):
            assert (placeholder in msgid) == (placeholder in translation), (msgid, placeholder)
