"""The embedded database is configured for concurrent use."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_sqlite_uses_wal_and_immediate_transactions():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1


def test_text_fold_examples():
    from motcua.core.text import fold

    assert fold("Đăng ký khai sinh") == "dang ky khai sinh"
    assert fold("  ĐỒNG   Tháp ") == "dong thap"
    assert fold("Thủ tục 1.001193") == "thu tuc 1 001193"
    assert fold(None) == ""


def test_a_public_host_without_secret_key_is_refused():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"ALLOWED_HOSTS": "dichvucong.tayninh.gov.vn", "DJANGO_SETTINGS_MODULE": "motcua.settings"})
    result = subprocess.run(
        [sys.executable, "-c", "import motcua.settings"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
