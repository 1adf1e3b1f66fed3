"""The production server's settings (motcua/gunicorn_conf.py) and how ``motcua serve`` uses them."""

from types import SimpleNamespace

import pytest

from motcua import gunicorn_conf


@pytest.fixture
def freezes(monkeypatch):
    calls = []
    monkeypatch.setattr(gunicorn_conf.gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gunicorn_conf.gc, "collect", lambda *a: calls.append("collect") or 0)
    return calls


def test_the_application_loads_once_in_the_master_on_threads_that_keep_connections_alive():
    assert gunicorn_conf.preload_app is True
    assert gunicorn_conf.worker_class == "gthread"


def test_the_master_closes_its_database_connections_and_freezes_before_forking(freezes, monkeypatch):
    from django.db import connections

    closed = []
    monkeypatch.setattr(connections, "close_all", lambda: closed.append(True))
    gunicorn_conf.when_ready(server=None)
    assert closed == [True]
    assert freezes == ["collect", "freeze"]  # garbage first: a frozen cycle is never freed


def test_a_worker_freezes_once_after_warming_up(freezes):
    worker = SimpleNamespace()
    gunicorn_conf.post_fork(server=None, worker=worker)
    for _ in range(gunicorn_conf.WARM_AFTER_REQUESTS - 1):
        gunicorn_conf.post_request(worker, None, {}, None)
    assert freezes == []
    gunicorn_conf.post_request(worker, None, {}, None)
    assert freezes == ["freeze"]
    for _ in range(gunicorn_conf.WARM_AFTER_REQUESTS * 2):
        gunicorn_conf.post_request(worker, None, {}, None)
    assert freezes == ["freeze"]


def test_serve_starts_gunicorn_with_these_settings(monkeypatch):
    from django.core.management import call_command

    from motcua.core.management.commands import serve

    started = []

    class FinishedProcess:
        returncode = 0

        def __init__(self, args, env):
            started.append(args)

        def poll(self):
            return 0

        def wait(self, timeout=None):
            return 0

        def send_signal(self, sig):
            pass

    monkeypatch.setattr(serve.subprocess, "Popen", FinishedProcess)
    monkeypatch.setattr(serve.signal, "signal", lambda *a: None)
    call_command("serve", "--no-worker", "--no-eid", "--workers", "3", "--threads", "2")
    web = started[0]
    assert web[1:3] == ["-m", "gunicorn"]
    assert web[web.index("--config") + 1] == "python:motcua.gunicorn_conf"
    assert web[web.index("--workers") + 1] == "3" and web[web.index("--threads") + 1] == "2"
