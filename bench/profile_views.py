"""Profile one bench scenario in-process: every SQL statement with its time, and a cProfile.

    BENCH_DATABASE_URL=… PYTHONPATH=src python bench/profile_views.py tracking|queue|dossier|search|submission

Uses the fixture written by bench/prepare.py (run bench/run.py once first). Prints the queries
of one request (slowest first) and the top functions by cumulative time over ``--repeat``
requests — the first place to look when a target is missed.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault(
    "DATABASE_URL", os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/motcua_bench")
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("MOTCUA_TRACK_LIMIT", "1000000000")
os.environ.setdefault("DB_CONN_MAX_AGE", "600")  # as bench/run.py: persistent connections
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)  # as bench/run.py: the sessions are signed with it
os.environ.setdefault("STATIC_ROOT", str(ROOT / "var/bench/static"))
os.environ.setdefault("MEDIA_ROOT", str(ROOT / "var/bench/media"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "scenario",
        choices=["tracking", "tracking_api", "queue", "dossier", "search", "submission", "submission_steps"],
    )
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--path", default="", help="another officer page, e.g. /mot-cua/?hang=late")
    parser.add_argument(
        "--timeit",
        type=int,
        default=0,
        help="also time N unprofiled requests straight through the WSGI handler",
    )
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    fixture = json.loads((ROOT / "var/bench/fixture.json").read_text())
    client = Client(HTTP_HOST="127.0.0.1")
    code, pin = fixture["tracking"][1]
    if args.scenario in ("queue", "dossier"):
        client.cookies[settings.SESSION_COOKIE_NAME] = fixture["officer"]["cookie"].split("=", 1)[1]

    def once() -> None:
        if args.scenario == "tracking":
            assert client.get("/tra-cuu/", {"code": code, "pin": pin}).status_code == 200
        elif args.scenario == "tracking_api":
            assert client.get("/api/v1/tracking", {"code": code, "pin": pin}).status_code == 200
        elif args.scenario == "queue":
            assert client.get(args.path or "/mot-cua/?hang=agency").status_code == 200
        elif args.scenario == "dossier":
            assert client.get(f"/mot-cua/ho-so/{fixture['officer_dossiers'][0]}/").status_code == 200
        elif args.scenario == "search":
            assert (
                client.get("/thu-tuc/?" + urllib.parse.urlencode({"q": "giay phep xay dung"})).status_code
                == 200
            )
        elif args.scenario == "submission":
            submit_at_once(client, fixture)
        else:
            submit(client, fixture)

    queries: list[tuple[float, str]] = []

    def timer(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(
                (
                    (time.perf_counter() - began) * 1000,
                    sql % tuple(repr(p) for p in params) if params and not many else sql,
                )
            )

    once()  # warm
    with connection.execute_wrapper(timer):
        began = time.perf_counter()
        once()
        total = (time.perf_counter() - began) * 1000
    print(f"one request: {total:.1f} ms, {len(queries)} queries, {sum(q[0] for q in queries):.1f} ms in SQL")
    for ms, sql in queries if os.environ.get("PROFILE_ALL_QUERIES") else sorted(queries, reverse=True)[:12]:
        print(f"  {ms:8.2f} ms  {sql[:400]}")
    profile = cProfile.Profile()
    began = time.perf_counter()
    profile.enable()
    for _ in range(args.repeat):
        once()
    profile.disable()
    print(
        f"\n{args.repeat} requests: {(time.perf_counter() - began) * 1000 / args.repeat:.1f} ms each (profiled)"
    )
    pstats.Stats(profile).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(
        int(os.environ.get("PROFILE_ROWS", "35"))
    )
    if args.timeit and args.scenario != "submission":
        timeit(args, fixture, code, pin)


def timeit(args, fixture, code: str, pin: str) -> None:
    """Mean wall time of a GET through the WSGI handler, without the profiler or the test client."""
    import io

    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    paths = {
        "tracking": "/tra-cuu/?" + urllib.parse.urlencode({"code": code, "pin": pin}),
        "tracking_api": "/api/v1/tracking?" + urllib.parse.urlencode({"code": code, "pin": pin}),
        "queue": args.path or "/mot-cua/?hang=agency",
        "dossier": f"/mot-cua/ho-so/{fixture['officer_dossiers'][0]}/",
        "search": "/thu-tuc/?" + urllib.parse.urlencode({"q": "giay phep xay dung"}),
    }
    path, _, query = paths[args.scenario].partition("?")
    cookie = ""
    if args.scenario in ("queue", "dossier"):
        cookie = f"{settings.SESSION_COOKIE_NAME}={fixture['officer']['cookie'].split('=', 1)[1]}"
    handler = WSGIHandler()

    def call() -> None:
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1", "HTTP_COOKIE": cookie,
            "wsgi.input": io.BytesIO(b""), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
        }  # fmt: skip
        statuses = []
        body = handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
        b"".join(body)
        assert statuses[0].startswith("200"), statuses

    for _ in range(20):
        call()
    began = time.perf_counter()
    for _ in range(args.timeit):
        call()
    print(
        f"\n{args.timeit} requests through WSGI: {(time.perf_counter() - began) * 1000 / args.timeit:.2f} ms each"
    )


def submit_at_once(client, fixture) -> None:
    sub = fixture["submission"]
    data = {
        "procedure_code": sub["procedure"],
        "answers": json.dumps(sub["answers"]),
        "receiving_agency": sub["agency"],
    }
    handles = [open(path, "rb") for path in sub["pdfs"]]  # noqa: SIM115
    try:
        for document, fh in zip(sub["documents"], handles, strict=True):
            data[f"documents.{document}"] = fh
        response = client.post(
            "/api/v1/submissions", data, HTTP_AUTHORIZATION=f"Bearer {fixture['tokens'][0]}",
            HTTP_IDEMPOTENCY_KEY=f"bench-profile-{uuid.uuid4()}",
        )  # fmt: skip
    finally:
        for fh in handles:
            fh.close()
    assert response.status_code == 201, response.content


def submit(client, fixture) -> None:
    sub = fixture["submission"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {fixture['tokens'][0]}"}
    created = client.post(
        "/api/v1/dossiers", {"procedure_code": sub["procedure"]}, content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=f"bench-profile-{uuid.uuid4()}", **auth,
    )  # fmt: skip
    pk = created.json()["id"]
    client.patch(
        f"/api/v1/dossiers/{pk}/answers", {"answers": sub["answers"]}, content_type="application/json", **auth
    )
    for document, path in zip(sub["documents"], sub["pdfs"], strict=True):
        with open(path, "rb") as fh:
            client.post(f"/api/v1/dossiers/{pk}/attachments", {"document_code": document, "file": fh}, **auth)
    client.put(
        f"/api/v1/dossiers/{pk}/receiving-agency",
        {"code": sub["agency"]},
        content_type="application/json",
        **auth,
    )
    assert client.post(f"/api/v1/dossiers/{pk}/submit", **auth).status_code == 200


if __name__ == "__main__":
    main()
