"""A time limit on each database query of an anonymous reader's page, and a clear page when one runs out.

Most public pages take milliseconds, but a reader can ask for work no index makes cheap: a quoted phrase of two
common words that no account contains ("gunfire hospital"). PostgreSQL estimates a phrase's matches as if its words
were independent, walks the id index for the first 10,001 and, finding none, tests every row: 4.4 s at a million
testimonies, 10–16 s with a cold cache. A few such requests would hold every
worker, and past gunicorn's 30 s the worker is killed and the reader gets no answer at all. So, while an anonymous
reader's page is rendered, each query may run for ``PUBLIC_QUERY_SECONDS`` (0: no limit); one that runs longer is
stopped by the database and the reader gets a 503 page that says what happened and how to narrow the request.

Editors, the admin, writes, management commands and exports (which stream long by nature, after the view returns)
have no limit. Pages answered from the page cache make no query to limit and pay nothing.

PostgreSQL stops the query itself (``statement_timeout``, set on the connection for the request and reset after
it, outside Django's query log so query counts stay those of the page). SQLite has no such setting: a progress
handler interrupts a statement that runs past its deadline.
"""

import logging
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connections
from django.shortcuts import render

from .routing import is_public_read_request

logger = logging.getLogger(__name__)

# SQLite calls the progress handler every this many virtual machine instructions (well under a millisecond).
SQLITE_CHECK_EVERY = 10_000

# Pages listing testimonies, whose "too long" page offers to narrow the same list; and what it offers to change.
LIST_PAGES = {"list", "place", "incident", "source"}
NARROWED = ("q", "date_from", "date_to")


def _public_alias():
    return settings.READ_REPLICA or "default"


class QueryTimeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PUBLIC_QUERY_SECONDS
        if not seconds or not is_public_read_request(request):
            return self.get_response(request)
        connection = connections[_public_alias()]
        limit = _postgres_limit if connection.vendor == "postgresql" else _sqlite_limit
        with limit(connection, seconds):
            return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError) or not is_time_limit(exception):
            return None
        logger.warning("A query of %s ran past PUBLIC_QUERY_SECONDS and was stopped", request.get_full_path())
        context = {}
        if request.resolver_match and request.resolver_match.url_name in LIST_PAGES:
            # The reader narrows the same list from here: their words and dates to change, the rest kept as it was.
            context["narrow"] = {key: request.GET.get(key, "") for key in NARROWED}
            context["kept"] = [
                (key, value)
                for key, values in request.GET.lists()
                if key not in (*NARROWED, "page")
                for value in values
            ]
        return render(request, "503.html", context, status=503)


def is_time_limit(error: OperationalError) -> bool:
    """Whether the database stopped the query for running past its limit (not for any other failure)."""
    cause = error.__cause__
    if type(cause).__name__ == "QueryCanceled":  # psycopg.errors.QueryCanceled, SQLSTATE 57014
        return True
    return str(cause) == "interrupted"  # sqlite3.OperationalError from an interrupting progress handler


@contextmanager
def _postgres_limit(connection, seconds):
    """``statement_timeout`` on the connection while the page is rendered, sent on the driver's own connection so
    it is no query of the page's."""
    connection.ensure_connection()
    raw = connection.connection
    raw.execute(f"SET statement_timeout = {max(1, round(seconds * 1000))}")
    try:
        yield
    finally:
        # After a failed query inside a transaction, its rollback undoes the SET as well.
        if not raw.closed and raw.info.transaction_status != raw.info.transaction_status.INERROR:
            raw.execute("SET statement_timeout = 0")


@contextmanager
def _sqlite_limit(connection, seconds):
    """A deadline for each statement, set as it starts and checked by SQLite's progress handler as it runs."""
    deadline = [None]

    def start(execute, sql, params, many, context):
        deadline[0] = time.monotonic() + seconds
        return execute(sql, params, many, context)

    connection.ensure_connection()
    raw = connection.connection
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline[0]) if deadline[0] else 0, SQLITE_CHECK_EVERY)
    try:
        with connection.execute_wrapper(start):
            yield
    finally:
        raw.set_progress_handler(None, 0)
