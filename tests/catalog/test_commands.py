"""The `motcua import-catalog` / `export-catalog` commands and the console script."""

import json

import pytest
from django.core.management import CommandError, call_command

from motcua.catalog.models import Procedure
from tests.catalog.conftest import BASE_PROCEDURE, make_catalog

pytestmark = pytest.mark.django_db


def test_import_then_export_round_trip(agencies, tmp_path, capsys):
    source = tmp_path / "catalog.json"
    source.write_text(json.dumps(make_catalog(), ensure_ascii=False), encoding="utf-8")
    call_command("import_catalog", str(source))
    assert json.loads(capsys.readouterr().out)["created"]["procedures"] == 2
    target = tmp_path / "export.json"
    call_command("export_catalog", str(target))
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert [p["code"] for p in exported["procedures"]] == ["1.001193", "1.012345"]
    call_command("import_catalog", str(target))
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["created"] == {}


def test_check_validates_without_writing(agencies, tmp_path):
    source = tmp_path / "catalog.json"
    source.write_text(json.dumps(make_catalog()), encoding="utf-8")
    call_command("import_catalog", str(source), "--check")
    assert not Procedure.objects.exists()


def test_a_bad_file_lists_every_problem_and_imports_nothing(agencies, tmp_path, capsys):
    bad = dict(BASE_PROCEDURE, processing_time="-3", sector="khong-co")
    source = tmp_path / "catalog.json"
    source.write_text(json.dumps(make_catalog(bad)), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_catalog", str(source))
    assert "procedures[0].processing_time" in capsys.readouterr().err
    assert not Procedure.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_catalog", str(tmp_path / "missing.json"))


def test_console_script_accepts_dashed_names(monkeypatch):
    from motcua import __main__

    seen = {}
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line", lambda argv: seen.setdefault("argv", argv)
    )
    __main__.main(["motcua", "import-catalog", "x.json"])
    assert seen["argv"] == ["motcua", "import_catalog", "x.json"]
