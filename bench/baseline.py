"""The practical ceiling for public tracking: Starlette + a psycopg pool, no framework around it.

Runs exactly the SQL Django runs for one lookup (captured by bench/prepare.py into
var/bench/fixture.json: on PostgreSQL one statement, the events as a JSON array), checks the PIN
in constant time and returns the same public fields as JSON. Served by ``uvicorn[standard]``
(uvloop + httptools) with one worker per core.

    BENCH_DATABASE_URL=postgres://… uvicorn bench.baseline:app --workers 2
"""

from __future__ import annotations

import hmac
import json
import os
from contextlib import asynccontextmanager
from pathlib import Path

from psycopg_pool import AsyncConnectionPool
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

FIXTURE = Path(
    os.environ.get("BENCH_FIXTURE", Path(__file__).resolve().parents[1] / "var/bench/fixture.json")
)
QUERIES = json.loads(FIXTURE.read_text())["baseline_sql"]
DSN = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/motcua_bench")
pool = AsyncConnectionPool(DSN, min_size=4, max_size=16, open=False)


def _params(template: list, code: str, dossier_id: int | None) -> list:
    return [code if p == "$code" else dossier_id if p == "$id" else p for p in template]


async def track(request):
    code = request.query_params.get("code", "").strip().upper()
    pin = request.query_params.get("pin", "").strip()
    async with pool.connection() as conn:
        first, *rest = QUERIES
        cursor = await conn.execute(first["sql"], _params(first["params"], code, None))
        row = await cursor.fetchone()
        found = None
        if row:
            found = {}
            for column, value in zip(cursor.description, row, strict=True):
                found.setdefault(column.name, value)  # the dossier's columns come first
        expected = (found or {}).get("tracking_pin") or "000000"
        if found is None or not hmac.compare_digest(expected.encode(), pin.encode()):
            return JSONResponse({"detail": "not found"}, status_code=404)
        # On PostgreSQL the lookup is one statement whose last column holds the public events
        # as JSON (decoded by psycopg); elsewhere a second statement reads them.
        timeline = [
            dict(zip(("at", "action", "to_status"), e, strict=True)) for e in found.get("timeline") or []
        ]
        for query in rest:
            cursor = await conn.execute(query["sql"], _params(query["params"], code, found["id"]))
            names = [c.name for c in cursor.description]
            timeline = [dict(zip(names, r, strict=True)) for r in await cursor.fetchall()]
    return JSONResponse(
        {
            "code": found["code"],
            "status": found["status"],
            "submitted_at": str(found["submitted_at"]),
            "due_at": str(found["due_at"]),
            "timeline": [
                {"at": str(e["at"]), "action": e["action"], "to_status": e["to_status"]} for e in timeline
            ],
        }
    )


@asynccontextmanager
async def lifespan(app):
    await pool.open()
    yield
    await pool.close()


app = Starlette(routes=[Route("/tra-cuu/", track)], lifespan=lifespan)
