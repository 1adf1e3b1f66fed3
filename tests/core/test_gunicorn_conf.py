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


def test_the_application_loads_once_in_the_master_and_idle_processes_share_the_connections():
    assert gunicorn_conf.preload_app is True
    assert gunicorn_conf.worker_class == "sync"


@pytest.mark.parametrize(("threads", "worker"), [(1, "sync"), (2, "gthread"), (4, "gthread")])
def test_threads_switch_to_the_threaded_worker(threads, worker):
    from gunicorn.config import Config

    config = Config()
    config.set("worker_class", gunicorn_conf.worker_class)
    config.set("threads", threads)
    assert config.worker_class_str == worker


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


@pytest.fixture
def started(monkeypatch):
    """The command lines ``motcua serve`` starts, without starting them."""
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
    return started


def test_serve_starts_gunicorn_with_these_settings(started):
    from django.core.management import call_command

    call_command("serve", "--no-worker", "--no-eid", "--workers", "3", "--threads", "2")
    web = started[0]
    assert web[1:3] == ["-m", "gunicorn"]
    assert web[web.index("--config") + 1] == "python:motcua.gunicorn_conf"
    assert web[web.index("--workers") + 1] == "3" and web[web.index("--threads") + 1] == "2"


def test_serve_runs_two_sync_workers_per_core_by_default(started, monkeypatch):
    from django.core.management import call_command

    monkeypatch.delenv("WEB_THREADS", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    call_command("serve", "--no-worker", "--no-eid")
    web = started[0]
    assert web[web.index("--workers") + 1] == "4" and web[web.index("--threads") + 1] == "1"


def test_serve_logs_each_request_unless_told_not_to(started, monkeypatch):
    from django.core.management import call_command

    monkeypatch.delenv("WEB_ACCESS_LOG", raising=False)
    call_command("serve", "--no-worker", "--no-eid")
    call_command("serve", "--no-worker", "--no-eid", "--no-access-log")
    monkeypatch.setenv("WEB_ACCESS_LOG", "0")
    call_command("serve", "--no-worker", "--no-eid")
    assert ["--access-logfile" in web for web in started] == [True, False, False]
