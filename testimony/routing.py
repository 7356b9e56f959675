"""Send public read-only traffic to a replica when one is configured (DATABASE_REPLICA_URL).

The middleware marks a request as public-read (a GET or HEAD from an anonymous reader, outside the admin); while it
runs, the router answers reads from the ``replica`` alias. Everything else — editors, writes, the admin, management
commands — uses ``default``, so an editor always reads what they just wrote.
"""

from contextvars import ContextVar

from django.conf import settings

_public_read: ContextVar[bool] = ContextVar("public_read", default=False)


def is_public_read_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith("/admin/")
        and not request.user.is_authenticated
    )


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _public_read.get() and settings.READ_REPLICA:
            return settings.READ_REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


class ReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _public_read.set(is_public_read_request(request))
        try:
            response = self.get_response(request)
            if response.streaming:
                # A streamed export keeps reading after we return: the generator is consumed later.
                response.streaming_content = _in_context(response.streaming_content, _public_read.get())
            return response
        finally:
            _public_read.reset(token)


def _in_context(chunks, public_read):
    token = _public_read.set(public_read)
    try:
        yield from chunks
    finally:
        _public_read.reset(token)
