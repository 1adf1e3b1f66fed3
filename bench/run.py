"""The performance suite: ``make bench`` (or ``PYTHONPATH=src python bench/run.py``).

1. creates the PostgreSQL database ``motcua_bench`` if missing (never any other), migrates it;
2. ``motcua generate --dossiers 1000000 --seed 2026`` (skipped when already there);
3. bench/prepare.py: officer session, citizens' API tokens, samples, the SQL of a tracking lookup;
4. starts motcua as in production (``motcua serve``: gunicorn, two sync workers per core,
   DEBUG off, persistent database connections) and the Starlette + psycopg baseline (uvicorn,
   one worker per core), on loopback;
5. runs each scenario from this process (bench/load.py), each bounded in time;
6. prints the table with every target's verdict, writes bench/results/latest.json and
   bench/results/latest.md, and puts the table into docs/performance.md between its markers.

Settings for the load run (documented in docs/performance.md): ``MOTCUA_TRACK_LIMIT`` is raised
because every request comes from 127.0.0.1; the background worker is not started (the outbox
keeps the notification tasks; their backlog is reported).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import load  # noqa: E402  (bench/load.py, next to this file)
from prepare import UNIQUE_MARKER  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/motcua_bench"
DJANGO_PORT, BASELINE_PORT = 8100, 8101
VAR = ROOT / "var" / "bench"
RESULTS = HERE / "results"
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"

TARGETS = {
    "tracking_ratio": 0.40,  # of the baseline's throughput at 16 connections
    "tracking_p95_ms": 25.0,
    "submissions_per_s": 50.0,
    "officer_p95_ms": 100.0,
    "search_p95_ms": 20.0,
    "worker_rss_mb": 200.0,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=int(os.environ.get("BENCH_DOSSIERS", "1000000")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("BENCH_SEED", "2026")))
    parser.add_argument("--duration", type=float, default=float(os.environ.get("BENCH_DURATION", "10")))
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1))))
    )
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", "1")))
    parser.add_argument(
        "--only", default="", help="comma-separated scenarios: tracking,submission,officer,search"
    )
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/performance.md")
    parser.add_argument(
        "--strict",
        action="store_true",
        default=os.environ.get("BENCH_STRICT") == "1",
        help="exit with status 1 when a target is missed (default: report only)",
    )
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    name = urllib.parse.urlparse(url).path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to use database {name!r}: its name must contain 'bench'")
    VAR.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "BENCH_DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        ),
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DB_CONN_MAX_AGE": "600",  # persistent connections, as a deployment sets them
        "MOTCUA_TRACK_LIMIT": "1000000000",  # every load request comes from 127.0.0.1
        "STATIC_ROOT": str(VAR / "static"),
        "MEDIA_ROOT": str(VAR / "media"),
        "MOTCUA_HOME": str(ROOT),
        "LOG_LEVEL": "WARNING",
    }
    only = {s for s in args.only.split(",") if s}

    started = time.time()
    ensure_database(url)
    motcua = [sys.executable, "-m", "motcua"]
    step("migrate", lambda: run([*motcua, "migrate", "--noinput", "-v0"], env))
    step("collectstatic", lambda: run([*motcua, "collectstatic", "--noinput", "-v0"], env))
    gen_started = time.perf_counter()
    print("generate:", flush=True)
    last = stream([*motcua, "generate", "--dossiers", str(args.dossiers), "--seed", str(args.seed)], env)
    generate = {"seconds": round(time.perf_counter() - gen_started, 1), "output": last}
    step("vacuum", lambda: vacuum(url))
    step("prepare", lambda: run([sys.executable, str(HERE / "prepare.py")], env))
    fixture = json.loads((VAR / "fixture.json").read_text())

    report: dict = {
        "started_at": dt.datetime.fromtimestamp(started, dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {
            "dossiers": fixture["dossiers"],
            "seed": args.seed,
            "duration_s": args.duration,
            "gunicorn_workers": args.workers,
            "gunicorn_threads": args.threads,
            "baseline_workers": args.workers,
        },
        "generate": generate,
        "scenarios": {},
    }
    servers = start_servers(env, args.workers, args.threads)
    try:
        wait_ready(f"http://127.0.0.1:{DJANGO_PORT}/tra-cuu/")
        wait_ready(f"http://127.0.0.1:{BASELINE_PORT}/tra-cuu/", expect=(404,))
        scenarios = report["scenarios"]
        if not only or "tracking" in only:
            scenarios["tracking"] = tracking(fixture, args.duration)
        if not only or "submission" in only:
            scenarios["submission"] = submission(fixture, args.duration)
        if not only or "officer" in only:
            scenarios.update(officer(fixture, args.duration))
        if not only or "search" in only:
            scenarios["search"] = search(fixture, args.duration)
        scenarios["memory"] = memory(servers["django"].pid)
    finally:
        stop_servers(servers)
    report["outbox_backlog"] = outbox_backlog(env)
    report["verdicts"] = verdicts(report["scenarios"])
    report["total_seconds"] = round(time.time() - started, 1)
    table = markdown(report)
    # A subset (--only) is an experiment: it must not replace the latest full run.
    name = "partial" if only else "latest"
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / f"{name}.md").write_text(table)
    if not args.no_docs and not only:
        update_docs(table)
    print("\n" + table)
    missed = [v["name"] for v in report["verdicts"] if not v["pass"]]
    if missed:
        print(f"{len(missed)} of {len(report['verdicts'])} targets missed: {', '.join(missed)}")
    return 1 if (missed and args.strict) else 0


# --- setup ------------------------------------------------------------------------------------


def step(label: str, fn) -> None:
    began = time.perf_counter()
    fn()
    print(f"{label}: {time.perf_counter() - began:.1f} s", flush=True)


def run(cmd: list[str], env: dict, *, capture: bool = False) -> str:
    done = subprocess.run(cmd, env=env, cwd=ROOT, check=False, text=True, capture_output=capture)
    if done.returncode != 0:
        if capture:
            sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return done.stdout if capture else ""


def stream(cmd: list[str], env: dict) -> str:
    """Run ``cmd`` showing its output as it comes; returns its last line."""
    last = ""
    with subprocess.Popen(
        cmd,
        env={**env, "PYTHONUNBUFFERED": "1"},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as proc:
        for line in proc.stdout:
            if line.strip() and not line.startswith("AXES"):
                last = line.strip()
                print(f"  {last}", flush=True)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return last


def ensure_database(url: str) -> None:
    """Create the bench database when missing; never drops or touches any other database."""
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", flush=True)


def port_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def start_servers(env: dict, workers: int, threads: int) -> dict[str, subprocess.Popen]:
    for port in (DJANGO_PORT, BASELINE_PORT):
        if not port_free(port):
            raise SystemExit(
                f"port {port} is in use: stop what listens there (the bench needs 8100 and 8101)"
            )
    log = open(VAR / "servers.log", "w")  # noqa: SIM115 (open for the servers' lifetime)
    django = subprocess.Popen(
        [sys.executable, "-m", "motcua", "serve", "--no-worker", "--no-eid", "--host", "127.0.0.1",
         "--port", str(DJANGO_PORT), "--workers", str(workers), "--threads", str(threads),
         "--no-access-log"],  # as the province's service: nginx logs the requests
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
    )  # fmt: skip
    baseline = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench.baseline:app", "--host", "127.0.0.1",
         "--port", str(BASELINE_PORT), "--workers", str(workers), "--no-access-log", "--log-level", "warning"],
        env={**env, "PYTHONPATH": f"{ROOT}{os.pathsep}{env['PYTHONPATH']}"}, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
    )  # fmt: skip
    return {"django": django, "baseline": baseline}


def stop_servers(servers: dict[str, subprocess.Popen]) -> None:
    for proc in servers.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in servers.values():
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def wait_ready(url: str, expect=(200,), timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status in expect:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code in expect:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"server did not answer: {url} (see var/bench/servers.log)")


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(
            next(
                x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")
            ).split()[1]
        )
    except (OSError, StopIteration):
        mem_kb = 0
    import psycopg

    with psycopg.connect(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
        shared = conn.execute("SHOW shared_buffers").fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "postgresql": pg,
        "shared_buffers": shared,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "kernel": platform.release(),
    }


# --- scenarios --------------------------------------------------------------------------------


def tracking(fixture: dict, duration: float) -> dict:
    """Public tracking by code and PIN: Django's page, Django's JSON API and the baseline."""
    pairs = fixture["tracking"]
    q = [urllib.parse.urlencode({"code": c, "pin": p}) for c, p in pairs]
    targets = {
        "baseline": (BASELINE_PORT, [f"/tra-cuu/?{x}" for x in q]),
        "django_page": (DJANGO_PORT, [f"/tra-cuu/?{x}" for x in q]),
        "django_api": (DJANGO_PORT, [f"/api/v1/tracking?{x}" for x in q]),
    }
    out: dict = {}
    for label, (port, paths) in targets.items():
        out[label] = {}
        for conns in (1, 16, 64):
            result = load.run("127.0.0.1", port, load.simple_get(paths), connections=conns, duration=duration)
            out[label][str(conns)] = result
            show(f"tracking {label} c={conns}", result)
    return out


def vacuum(url: str) -> None:
    """VACUUM (ANALYZE) the big tables, as autovacuum keeps a live database: fresh statistics and
    a visibility map for index-only scans. Quick when nothing changed since the last run."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for table in ("dossiers_dossier", "dossiers_dossierevent", "dossiers_attachment", "accounts_user"):
            conn.execute(f"VACUUM (ANALYZE) {table}")


def unique_files(body: bytes) -> bytes:
    """The body with a new value after each PDF's marker: every dossier brings files of its own
    (stored and hashed anew, as a citizen's scans are), not the same bytes found in storage."""
    parts = body.split(UNIQUE_MARKER)
    return parts[0] + b"".join(UNIQUE_MARKER + uuid.uuid4().hex.encode() + p[32:] for p in parts[1:])


def submission(fixture: dict, duration: float) -> dict:
    """Online submission end to end through the mobile API, as a citizen's app sends it: one
    multipart form post (the answers, the receiving centre and two 200 KB PDFs) that files and
    submits the dossier. For comparison, the same dossier step by step (six requests: start,
    answers, two uploads, centre, submit) at 16 connections."""
    sub = fixture["submission"]
    tokens = fixture["tokens"]
    files = [Path(p).read_bytes() for p in sub["pdfs"]]
    boundary = "benchboundary7MA4YWxkTrZu0gW"

    def part(name: str, value: bytes, filename: str = "") -> bytes:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
        if filename:
            head += f'; filename="{filename}"\r\nContent-Type: application/pdf'
        return (head + "\r\n\r\n").encode() + value + b"\r\n"

    centres = sub.get("agencies") or [sub["agency"]]
    whole = b"".join(
        [
            part("procedure_code", sub["procedure"].encode()),
            part("answers", json.dumps(sub["answers"], ensure_ascii=False).encode()),
            *(part(f"documents.{d}", c, f"{d}.pdf") for d, c in zip(sub["documents"], files, strict=True)),
            f"--{boundary}--\r\n".encode(),
        ]
    )
    form_type = {"Content-Type": f"multipart/form-data; boundary={boundary}"}

    async def at_once(conn: load.Connection, i: int, step: load.Step) -> None:
        headers = {
            "Authorization": f"Bearer {tokens[i % len(tokens)]}",
            "Idempotency-Key": f"bench-{uuid.uuid4()}",
            **form_type,
        }
        # Each citizen files at a centre of the province, with scans of their own.
        body = part("receiving_agency", centres[i % len(centres)].encode()) + unique_files(whole)
        await step(
            "submit",
            conn,
            load.build("POST", "/api/v1/submissions", headers=headers, body=body),
            expect=(201,),
        )

    uploads = [
        part("document_code", d.encode()) + part("file", c, f"{d}.pdf") + f"--{boundary}--\r\n".encode()
        for d, c in zip(sub["documents"], files, strict=True)
    ]
    answers = json.dumps({"answers": sub["answers"]}).encode()
    create_body = json.dumps({"procedure_code": sub["procedure"]}).encode()
    agency_bodies = [json.dumps({"code": code}).encode() for code in centres]
    json_type = {"Content-Type": "application/json"}

    async def step_by_step(conn: load.Connection, i: int, step: load.Step) -> None:
        auth = {"Authorization": f"Bearer {tokens[i % len(tokens)]}"}
        created = await step(
            "create",
            conn,
            load.build(
                "POST",
                "/api/v1/dossiers",
                headers={**auth, **json_type, "Idempotency-Key": f"bench-{uuid.uuid4()}"},
                body=create_body,
            ),
            expect=(201,),
        )
        pk = json.loads(created)["id"]
        await step(
            "answers",
            conn,
            load.build(
                "PATCH", f"/api/v1/dossiers/{pk}/answers", headers={**auth, **json_type}, body=answers
            ),
        )
        for n, body in enumerate(uploads):
            await step(
                f"upload_{n + 1}",
                conn,
                load.build(
                    "POST",
                    f"/api/v1/dossiers/{pk}/attachments",
                    headers={**auth, **form_type},
                    body=unique_files(body),
                ),
                expect=(201,),
            )
        await step(
            "agency",
            conn,
            load.build(
                "PUT",
                f"/api/v1/dossiers/{pk}/receiving-agency",
                headers={**auth, **json_type},
                body=agency_bodies[i % len(agency_bodies)],
            ),
        )
        await step("submit", conn, load.build("POST", f"/api/v1/dossiers/{pk}/submit", headers=auth))

    out: dict = {"at_once": {}, "steps": {}}
    for conns in (4, 16):
        result = load.run("127.0.0.1", DJANGO_PORT, at_once, connections=conns, duration=duration)
        result["requests_per_dossier"] = 1
        out["at_once"][str(conns)] = result
        show(f"submission (one request) c={conns}", result)
    result = load.run("127.0.0.1", DJANGO_PORT, step_by_step, connections=16, duration=duration)
    result["requests_per_dossier"] = 6
    out["steps"]["16"] = result
    show("submission (step by step) c=16", result)
    return out


def officer(fixture: dict, duration: float) -> dict:
    """An officer's queue (50 rows, filtered) and the dossier page, 4 officers at once."""
    headers = {"Cookie": fixture["officer"]["cookie"]}
    queues = [
        "/mot-cua/?hang=agency",
        "/mot-cua/?hang=late",
        "/mot-cua/?hang=due_soon",
        "/mot-cua/?hang=agency&page=3",
    ]
    dossiers = [f"/mot-cua/ho-so/{pk}/" for pk in fixture["officer_dossiers"]]
    out = {}
    for label, paths in (("queue", queues), ("dossier_page", dossiers)):
        result = load.run(
            "127.0.0.1", DJANGO_PORT, load.simple_get(paths, headers), connections=4, duration=duration
        )
        out[label] = {"4": result}
        show(f"{label} c=4", result)
    return out


def search(fixture: dict, duration: float) -> dict:
    """Catalog search over the national count of procedures, 4 citizens at once."""
    paths = ["/thu-tuc/?" + urllib.parse.urlencode({"q": q}) for q in fixture["search_queries"]]
    result = load.run("127.0.0.1", DJANGO_PORT, load.simple_get(paths), connections=4, duration=duration)
    show("search c=4", result)
    return {"4": result}


def memory(serve_pid: int) -> dict:
    """Resident memory of each gunicorn worker after the load (children of the gunicorn master)."""
    workers = []
    for master in children(serve_pid):
        for pid in children(master):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            rss = next((int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS")), 0)
            workers.append(round(rss / 1024, 1))
    return {"worker_rss_mb": workers, "max_rss_mb": max(workers, default=None)}


def children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def outbox_backlog(env: dict) -> int | None:
    import psycopg

    try:
        with psycopg.connect(env["DATABASE_URL"]) as conn:
            return conn.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'"
            ).fetchone()[0]
    except psycopg.Error:
        return None


def show(label: str, r: dict) -> None:
    print(
        f"  {label:<28} {r['throughput']:>8.1f}/s  p50 {r['p50_ms']} ms  p95 {r['p95_ms']} ms  "
        f"p99 {r['p99_ms']} ms  errors {r['errors']}"
        + (f"  ({r['first_error']})" if r.get("first_error") else ""),
        flush=True,
    )


# --- verdicts and the table -------------------------------------------------------------------


def verdicts(s: dict) -> list[dict]:
    out = []

    def add(name: str, target: str, measured: str, ok: bool | None) -> None:
        out.append({"name": name, "target": target, "measured": measured, "pass": bool(ok)})

    if "tracking" in s:
        base = s["tracking"]["baseline"]["16"]["throughput"]
        page = s["tracking"]["django_page"]["16"]
        ratio = page["throughput"] / base if base else 0
        add("Tracking throughput at 16 connections", f"≥ {TARGETS['tracking_ratio']:.0%} of baseline",
            f"{page['throughput']:.0f}/s = {ratio:.0%} of {base:.0f}/s", ratio >= TARGETS["tracking_ratio"] and not page["errors"])  # fmt: skip
        add("Tracking p95 at 16 connections", f"≤ {TARGETS['tracking_p95_ms']:.0f} ms", f"{page['p95_ms']} ms",
            page["p95_ms"] is not None and page["p95_ms"] <= TARGETS["tracking_p95_ms"])  # fmt: skip
    if "submission" in s:
        best = max(s["submission"]["at_once"].values(), key=lambda r: r["throughput"])
        add("Online submissions (end to end)", f"≥ {TARGETS['submissions_per_s']:.0f} dossiers/s",
            f"{best['throughput']:.1f}/s at {best['connections']} connections, p95 {best['p95_ms']} ms",
            best["throughput"] >= TARGETS["submissions_per_s"] and not best["errors"])  # fmt: skip
    for key, label in (("queue", "Officer queue page (50 rows)"), ("dossier_page", "Officer dossier page")):
        if key in s:
            r = s[key]["4"]
            add(label, f"p95 ≤ {TARGETS['officer_p95_ms']:.0f} ms", f"p95 {r['p95_ms']} ms",
                r["p95_ms"] is not None and r["p95_ms"] <= TARGETS["officer_p95_ms"] and not r["errors"])  # fmt: skip
    if "search" in s:
        r = s["search"]["4"]
        add("Catalog search (6,500 procedures)", f"p95 ≤ {TARGETS['search_p95_ms']:.0f} ms", f"p95 {r['p95_ms']} ms",
            r["p95_ms"] is not None and r["p95_ms"] <= TARGETS["search_p95_ms"] and not r["errors"])  # fmt: skip
    if s.get("memory", {}).get("max_rss_mb") is not None:
        m = s["memory"]["max_rss_mb"]
        add("Memory per worker", f"≤ {TARGETS['worker_rss_mb']:.0f} MB resident", f"{m:.0f} MB (max of {len(s['memory']['worker_rss_mb'])})",
            m <= TARGETS["worker_rss_mb"])  # fmt: skip
    return out


def server_workers(settings: dict) -> str:
    """How motcua was served: sync workers (one request each) or threaded ones."""
    workers, threads = settings["gunicorn_workers"], settings["gunicorn_threads"]
    return f"{workers} sync workers" if threads == 1 else f"{workers} workers × {threads} threads"


def markdown(report: dict) -> str:
    s, m, st = report["scenarios"], report["machine"], report["settings"]
    lines = [
        f"Run of {report['started_at']} — {st['dossiers']:,} dossiers (seed {st['seed']}), "
        f"{st['duration_s']:.0f} s per point after a 2 s warm-up; motcua under gunicorn "
        f"{server_workers(st)}; baseline under uvicorn "
        f"{st['baseline_workers']} workers. Machine: {m['cpus']} × {m['cpu']}, {m['memory_gb']} GB, "
        f"PostgreSQL {m['postgresql']} (shared_buffers {m['shared_buffers']}), Python {m['python']}; "
        f"load average at start {m['load_average_at_start']}. Data generation: {report['generate']['seconds']} s "
        f"({report['generate']['output']}).",
        "",
        "| Target | Goal | Measured | Verdict |",
        "|---|---|---|---|",
    ]
    for v in report["verdicts"]:
        lines.append(f"| {v['name']} | {v['target']} | {v['measured']} | {'PASS' if v['pass'] else 'FAIL'} |")
    lines += [
        "",
        "| Scenario | Connections | Throughput (/s) | p50 ms | p95 ms | p99 ms | Errors |",
        "|---|---|---|---|---|---|---|",
    ]

    def row(label: str, r: dict) -> None:
        lines.append(
            f"| {label} | {r['connections']} | {r['throughput']:.1f} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['errors']} |"
        )

    for label, key in (
        ("Tracking — baseline (Starlette + psycopg)", "baseline"),
        ("Tracking — motcua page /tra-cuu/", "django_page"),
        ("Tracking — motcua API /api/v1/tracking", "django_api"),
    ):
        for r in s.get("tracking", {}).get(key, {}).values():
            row(label, r)
    for r in s.get("submission", {}).get("at_once", {}).values():
        row("Submission end to end (one form post, 2 × 200 KB PDF)", r)
    for r in s.get("submission", {}).get("steps", {}).values():
        row("Submission step by step (6 API requests, same dossier)", r)
    for key, label in (
        ("queue", "Officer queue page"),
        ("dossier_page", "Officer dossier page"),
        ("search", "Catalog search /thu-tuc/?q="),
    ):
        for r in s.get(key, {}).values():
            row(label, r)
    for r in s.get("submission", {}).get("steps", {}).values():
        if r.get("steps_p50_ms"):
            lines += ["", "Step-by-step submission at " + str(r["connections"]) + " connections, per request (p50 / p95 ms): " + ", ".join(
                f"{k} {v} / {r['steps_p95_ms'][k]}" for k, v in r["steps_p50_ms"].items())]  # fmt: skip
    if "memory" in s:
        lines += [
            "",
            f"Resident memory of the gunicorn workers after the run: {s['memory']['worker_rss_mb']} MB.",
        ]
    if report.get("outbox_backlog") is not None:
        lines += [
            f"Notification tasks left in the outbox (no worker ran during the load): {report['outbox_backlog']:,}."
        ]
    return "\n".join(lines) + "\n"


def update_docs(table: str) -> None:
    if not DOC.exists():
        return
    text = DOC.read_text()
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _old, tail = rest.split(END, 1)
        DOC.write_text(f"{head}{BEGIN}\n{table}{END}{tail}")


if __name__ == "__main__":
    raise SystemExit(main())
