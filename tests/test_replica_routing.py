"""With DATABASE_REPLICA_URL set, anonymous public reads go to the replica; editors and writes stay on the primary."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from testimony.models import Testimony
from testimony.routing import ReplicaMiddleware, ReplicaRouter

from . import factories


@pytest.fixture
def with_replica(settings):
    settings.READ_REPLICA = "replica"


def _read_alias_during(request):
    """The alias the router picks for a read made while the middleware handles ``request``."""
    seen = {}

    def view(request):
        seen["alias"] = ReplicaRouter().db_for_read(Testimony)
        return HttpResponse("ok")

    ReplicaMiddleware(view)(request)
    return seen["alias"]


def _request(method="get", path="/testimonies/", user=None):
    request = getattr(RequestFactory(), method)(path)
    request.user = user or AnonymousUser()
    return request


def test_anonymous_reader_reads_from_the_replica(with_replica):
    assert _read_alias_during(_request()) == "replica"


@pytest.mark.django_db
def test_signed_in_editor_reads_from_the_primary(with_replica):
    assert _read_alias_during(_request(user=factories.make_user())) == "default"


@pytest.mark.parametrize(("method", "path"), [("post", "/testimonies/"), ("get", "/admin/testimony/")])
def test_writes_and_admin_use_the_primary(with_replica, method, path):
    assert _read_alias_during(_request(method, path)) == "default"


def test_without_a_replica_everything_reads_from_the_primary(settings):
    settings.READ_REPLICA = ""
    assert _read_alias_during(_request()) == "default"


def test_writes_always_go_to_the_primary(with_replica):
    assert ReplicaRouter().db_for_write(Testimony) == "default"
    assert ReplicaRouter().allow_migrate("replica", "testimony") is False


def test_the_flag_does_not_outlive_the_request(with_replica):
    _read_alias_during(_request())
    assert ReplicaRouter().db_for_read(Testimony) == "default"
