"""``motcua serve``: the web server (gunicorn) and the background worker together.

The embedded default for one machine; a province runs gunicorn and ``motcua worker`` as
separate services instead (docs/admin-guide.md).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web application and run the background worker (one-machine setup)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        # Two processes per core, one request at a time each (gunicorn's sync worker): Python runs
        # one thread per process at a time, so processes (not threads) keep both cores busy while
        # others wait on PostgreSQL, and idle processes share the incoming connections evenly
        # (measured in docs/performance.md). Two threads or more switch to the threaded worker.
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1)))),
        )
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "1")))
        parser.add_argument(
            "--no-access-log",
            action="store_true",
            default=os.environ.get("WEB_ACCESS_LOG", "1") == "0",
            help="do not log each request (behind nginx, which logs them already)",
        )
        parser.add_argument("--no-worker", action="store_true", help="do not start the background worker")
        parser.add_argument("--no-eid", action="store_true", help="do not start the demo VNeID provider")

    def handle(self, *args, host, port, workers, threads, no_access_log, no_worker, no_eid, **options):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "motcua.settings"),
        }
        web = [
            sys.executable, "-m", "gunicorn", "motcua.wsgi:application",
            "--config", "python:motcua.gunicorn_conf",  # sync, preloaded, frozen (see the module)
            "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", str(threads),
            "--graceful-timeout", "10", "--no-control-socket",
        ]  # fmt: skip
        if not no_access_log:
            web += ["--access-logfile", "-"]
        children = [subprocess.Popen(web, env=env)]
        if settings.MOTCUA_DEMO_EID and not no_eid:
            # The demo VNeID (OpenID Connect provider) on its own port (EID_PROVIDER_PORT, 8001): docs/eid.md
            children.append(
                subprocess.Popen([sys.executable, "-m", "motcua", "eid_provider", "--host", host], env=env)
            )
        if not no_worker:
            children.append(subprocess.Popen([sys.executable, "-m", "motcua", "worker"], env=env))
            children.append(
                subprocess.Popen([sys.executable, "-m", "motcua", "periodic", "--every", "300"], env=env)
            )
        self.stdout.write(self.style.SUCCESS(f"motcua is serving http://{host}:{port}/ (Ctrl+C to stop)"))

        def stop(*_):
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
        failed = [c.returncode for c in children if c.returncode not in (0, -signal.SIGTERM, None)]
        if failed:
            raise SystemExit(failed[0])
