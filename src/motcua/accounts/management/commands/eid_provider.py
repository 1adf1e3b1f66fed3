"""``motcua eid_provider``: run the demo VNeID (OpenID Connect provider) as its own process.

It migrates the provider's own database, seeds the ``motcua-demo`` client and the demo
identities (idempotent), then replaces itself with gunicorn serving
``motcua.eid_provider.wsgi`` on ``--host``/``--port`` (default 127.0.0.1:8001). Stopping it
(SIGTERM/Ctrl+C) stops gunicorn. Settings: ``motcua.eid_provider.settings`` (``docs/eid.md``).
"""

from __future__ import annotations

import os
import subprocess
import sys

from django.core.management.base import BaseCommand, CommandError

PROVIDER_SETTINGS = "motcua.eid_provider.settings"


class Command(BaseCommand):
    help = "Serve the demo VNeID provider (OpenID Connect) on its own port, after migrating and seeding it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("EID_PROVIDER_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("EID_PROVIDER_PORT", "8001")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("EID_PROVIDER_WORKERS", "1")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("EID_PROVIDER_THREADS", "4")))
        parser.add_argument(
            "--database-url", default=None, help="the provider's own database (EID_PROVIDER_DATABASE_URL)"
        )
        parser.add_argument(
            "--redirect-uri",
            action="append",
            default=[],
            dest="redirect_uris",
            help="also allow this callback URL for the motcua-demo client (repeatable)",
        )
        parser.add_argument(
            "--no-seed", action="store_true", help="do not create the demo client and identities"
        )
        parser.add_argument(
            "--prepare-only", action="store_true", help="migrate and seed, then exit without serving"
        )

    def handle(
        self,
        *args,
        host,
        port,
        workers,
        threads,
        database_url,
        redirect_uris,
        no_seed,
        prepare_only,
        **options,
    ):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": PROVIDER_SETTINGS}
        if database_url:
            env["EID_PROVIDER_DATABASE_URL"] = database_url
        hosts = [h for h in env.get("EID_PROVIDER_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
        if host not in hosts and host not in ("0.0.0.0", "::"):
            env["EID_PROVIDER_ALLOWED_HOSTS"] = ",".join([*hosts, host])
        django_admin = [sys.executable, "-m", "django"]
        self._run([*django_admin, "migrate", "--noinput", "--verbosity", "0"], env)
        if not no_seed:
            seed = [*django_admin, "seed_eid_demo"]
            for uri in redirect_uris:
                seed += ["--redirect-uri", uri]
            self._run(seed, env)
        if prepare_only:
            return
        self.stdout.write(
            self.style.SUCCESS(f"VNeID (môi trường thử nghiệm) is serving http://{host}:{port}/ (issuer …/o)")
        )
        self.stdout.flush()
        server = [
            sys.executable, "-m", "gunicorn", "motcua.eid_provider.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", str(threads),
            "--access-logfile", "-", "--graceful-timeout", "5", "--no-control-socket",
        ]  # fmt: skip
        sys.stderr.flush()
        # Become gunicorn: signals sent to this process (by `motcua serve` or a test) reach it.
        os.execve(sys.executable, server, env)

    def _run(self, command: list[str], env: dict[str, str]) -> None:
        result = subprocess.run(command, env=env, check=False)
        if result.returncode != 0:
            raise CommandError(
                f"{' '.join(command[2:])} failed for the VNeID provider (exit {result.returncode})"
            )
