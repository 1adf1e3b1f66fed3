"""gunicorn settings for motcua: ``gunicorn -c python:motcua.gunicorn_conf motcua.wsgi:application``.

``motcua serve`` uses them; a province's own service units should too (docs/admin-guide.md).
Workers, threads and the bind address come from the command line.

Why these settings (measured in docs/performance.md):

- ``preload_app``: Django, the templates' code and the translations load once in the master;
  the workers share those memory pages instead of each loading its own copy.
- ``gc.freeze()`` before forking, and once more in each worker after it has warmed up: the
  long-lived objects (modules, compiled templates, URL patterns, the catalog's search index)
  leave the collector's oldest generation. A full collection walked all of them — 60–70 ms with
  the worker stopped, a visible tail on the public pages — and touching them also copied the
  shared pages into each worker. Short-lived objects are collected as before.
"""

from __future__ import annotations

import gc

# One request at a time per process, a new connection per request. Behind a proxy that buffers
# requests and responses (nginx's default) nothing is lost: the proxy keeps the clients' connections
# alive and hands over whole requests. Every idle process takes the next connection from one
# shared queue, so the load spreads evenly; gunicorn's threaded worker keeps each kept-alive
# connection in the process that accepted it, and one process often held most of them while
# others idled (the public pages' p95 doubled: docs/performance.md). ``--threads 2`` or more
# (``WEB_THREADS``) switches to that threaded worker, for a server exposed without a proxy to slow
# clients.
worker_class = "sync"
preload_app = True

# After this many requests a worker has built its caches (templates, catalog index, unit lists);
# they are frozen once, like the master's objects before the fork.
WARM_AFTER_REQUESTS = 500


def when_ready(server) -> None:
    """In the master, after the application loaded and before the first fork."""
    from django.db import connections

    connections.close_all()  # never share a database socket with the children
    gc.collect()
    gc.freeze()


def post_fork(server, worker) -> None:
    worker.motcua_requests = 0


def post_request(worker, req, environ, resp) -> None:
    count = getattr(worker, "motcua_requests", 0) + 1  # threads (gthread) may race: a freeze more or less
    worker.motcua_requests = count
    if count == WARM_AFTER_REQUESTS:
        gc.freeze()
