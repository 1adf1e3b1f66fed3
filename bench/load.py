"""A small closed-loop HTTP/1.1 load generator on asyncio (uvloop when installed).

Why not locust or wrk: wrk is not installed, and locust (gevent, one greenlet per user, a web
UI, stats threads) costs more client CPU per request than the two shared cores can spare —
the client would be measured, not the server. This client pre-encodes requests, keeps
connections alive, parses only the status line, ``Content-Length`` / chunked bodies, and records
every operation's latency. ``connections`` workers each loop "send, wait for the answer, send"
(a closed loop, like wrk) until the deadline.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

try:  # the faster event loop, installed with uvicorn[standard]
    import uvloop
except ImportError:  # pragma: no cover
    uvloop = None


class HttpError(Exception):
    def __init__(self, status: int, body: bytes):
        super().__init__(f"HTTP {status}: {body[:200]!r}")
        self.status = status


def build(method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "User-Agent: motcua-bench"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class Connection:
    """One keep-alive connection; reconnects once when the server closed it."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        for attempt in (0, 1):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=2**20)
            try:
                self.writer.write(raw)
                if len(raw) > 65536:
                    await self.writer.drain()
                status, close, body = await self._response()
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if attempt:
                    raise
                continue
            if close:
                await self.close()
            return status, body
        raise ConnectionError("unreachable")

    async def _response(self) -> tuple[int, bool, bytes]:
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length, chunked, close = None, False, lines[0].startswith("HTTP/1.0")
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection":
                close = value.strip().lower() == "close"
        if chunked:
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            return status, close, b"".join(parts)
        if length is None:
            return status, True, await self.reader.read()
        return status, close, await self.reader.readexactly(length)


@dataclass
class Result:
    connections: int
    seconds: float
    ops: int = 0
    errors: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    steps_ms: dict[str, list[float]] = field(default_factory=dict)
    first_error: str = ""

    def summary(self) -> dict:
        lat = sorted(self.latencies_ms)
        out = {
            "connections": self.connections,
            "seconds": round(self.seconds, 2),
            "ops": self.ops,
            "errors": self.errors,
            "throughput": round(self.ops / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": pct(lat, 50),
            "p95_ms": pct(lat, 95),
            "p99_ms": pct(lat, 99),
            "max_ms": round(lat[-1], 1) if lat else None,
        }
        if self.steps_ms:
            out["steps_p50_ms"] = {k: pct(sorted(v), 50) for k, v in self.steps_ms.items()}
            out["steps_p95_ms"] = {k: pct(sorted(v), 95) for k, v in self.steps_ms.items()}
        if self.first_error:
            out["first_error"] = self.first_error
        return out


def pct(ordered: list[float], p: float) -> float | None:
    if not ordered:
        return None
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[index], 2)


class Step:
    """Times one request of a multi-request operation (``steps_ms``)."""

    def __init__(self, result: Result):
        self.result = result

    async def __call__(self, name: str, conn: Connection, raw: bytes, expect=(200,)) -> bytes:
        start = time.perf_counter()
        status, body = await conn.send(raw)
        self.result.steps_ms.setdefault(name, []).append((time.perf_counter() - start) * 1000)
        if status not in expect:
            raise HttpError(status, body)
        return body


Operation = Callable[[Connection, int, Step], Awaitable[None]]


async def _run(
    host: str, port: int, op: Operation, connections: int, duration: float, warmup: float
) -> Result:
    result = Result(connections=connections, seconds=duration)
    scratch = Result(connections=connections, seconds=warmup)
    start = time.perf_counter()
    measure_from = start + warmup
    deadline = measure_from + duration

    async def worker(number: int) -> None:
        conn = Connection(host, port)
        i = number
        try:
            while True:
                began = time.perf_counter()
                if began >= deadline:
                    return
                target = result if began >= measure_from else scratch
                try:
                    await op(conn, i, Step(target))
                except Exception as exc:  # noqa: BLE001 (every failure counts, the first is shown)
                    target.errors += 1
                    if not target.first_error:
                        target.first_error = f"{type(exc).__name__}: {exc}"[:300]
                    await conn.close()
                    await asyncio.sleep(0.01)
                    i += connections
                    continue
                ended = time.perf_counter()
                if began >= measure_from and ended <= deadline:
                    target.ops += 1
                    target.latencies_ms.append((ended - began) * 1000)
                i += connections
        finally:
            await conn.close()

    await asyncio.gather(*(worker(n) for n in range(connections)))
    if scratch.first_error and not result.first_error:
        result.first_error = "warm-up: " + scratch.first_error
    return result


def run(
    host: str, port: int, op: Operation, *, connections: int, duration: float, warmup: float = 2.0
) -> dict:
    """Run ``op`` in a closed loop on ``connections`` connections for ``duration`` seconds after a
    ``warmup``; returns the summary (throughput in operations per second, latency percentiles)."""
    coro = _run(host, port, op, connections, duration, warmup)
    if uvloop is not None:
        return uvloop.run(coro).summary()
    return asyncio.run(coro).summary()


def simple_get(paths: list[str], headers: dict[str, str] | None = None, expect=(200,)) -> Operation:
    """An operation that GETs ``paths[i % len(paths)]`` (requests pre-encoded)."""
    raws = [build("GET", p, headers=headers) for p in paths]

    async def op(conn: Connection, i: int, step: Step) -> None:
        status, body = await conn.send(raws[i % len(raws)])
        if status not in expect:
            raise HttpError(status, body)

    return op
