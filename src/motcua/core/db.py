"""Database helpers for the few hottest reads.

PostgreSQL plans every statement Django sends (Django binds parameters on the client, so the
server sees a new text each time). For a short lookup on the busiest public page, planning costs
more than running: the tracking statement plans in ~0.3–2.5 ms and runs in ~0.1 ms. A prepared
statement is planned once per connection. The settings turn on server-side binding, so that
PostgreSQL prepares any statement run five times on a connection; :func:`prepared_cursor` gives
the hottest fixed statements a cursor that prepares at once, wrapped like Django's own (query
logging, ``execute_wrapper`` and ``CaptureQueriesContext`` still see it).

Poolers in transaction mode without prepared-statement support (PgBouncer before 1.21) break
prepared statements: set ``MOTCUA_DB_PREPARED_STATEMENTS=0`` there.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.db import connection


class _LoggedStatement:
    """What Django's query log reads (``cursor._query.query``). psycopg keeps no text for a
    prepared statement, so the statement with its values is composed only when asked for."""

    __slots__ = ("connection", "params", "sql")

    def __init__(self, connection, sql, params):
        self.connection, self.sql, self.params = connection, sql, params

    @property
    def query(self) -> bytes:
        import psycopg

        return psycopg.ClientCursor(self.connection).mogrify(self.sql, self.params).encode()


def _server_binding_cursor_class():
    import psycopg

    class PreparingCursor(psycopg.Cursor):
        """Binds on the server and prepares the statement on this connection's first use."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            result = super().execute(query, params, prepare=True, binary=binary)
            self._query = _LoggedStatement(self.connection, query, params)
            return result

    return PreparingCursor


_cursor_class = None


def prepared_statements_enabled() -> bool:
    if connection.vendor != "postgresql" or not getattr(settings, "MOTCUA_DB_PREPARED_STATEMENTS", True):
        return False
    try:
        import psycopg  # noqa: F401  (psycopg2 has no server-side binding)
    except ImportError:  # pragma: no cover
        return False
    return True


@contextmanager
def prepared_cursor():
    """A cursor whose statements PostgreSQL prepares once per connection; Django's cursor elsewhere.

    Use only with fixed SQL text (``%s`` placeholders) run many times.
    """
    global _cursor_class
    if not prepared_statements_enabled():
        with connection.cursor() as cursor:
            yield cursor
        return
    if _cursor_class is None:
        _cursor_class = _server_binding_cursor_class()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        # A connection configured without server-side binding has preparing off; its
        # client-binding cursors never prepare, so this lets only ours do it.
        connection.connection.prepare_threshold = 5
    raw = _cursor_class(connection.connection)
    wrapped = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    with wrapped as cursor:
        yield cursor
