"""Small builders for test data. Each returns a saved object; keyword arguments override the defaults.

They make plain, predictable rows (no randomness) so a failing assertion is easy to read. For volume, call them in
a loop or use ``make_testimonies``.
"""

import datetime
import itertools

from django.contrib.auth.models import Group, Permission, User
from django.utils.text import slugify

from testimony.models import (
    Actor,
    CrossReference,
    Incident,
    Place,
    Source,
    Statement,
    Status,
    Tag,
    TagGroup,
    Testimony,
    Witness,
    WitnessIdentity,
)

_seq = itertools.count(1)


def _n():
    return next(_seq)


def make_user(username=None, *, groups=(), perms=(), is_staff=True, is_superuser=False, password="pw"):
    user = User.objects.create_user(
        username or f"user{_n()}", password=password, is_staff=is_staff, is_superuser=is_superuser
    )
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    for codename in perms:
        app_label, code = codename.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=code))
    return user


def make_place(name=None, *, parent=None, kind=Place.Kind.DISTRICT, **kw):
    name = name or f"Place {_n()}"
    kw.setdefault("slug", slugify(name) + f"-{_n()}")
    return Place.objects.create(name=name, parent=parent, kind=kind, **kw)


def make_tag_group(name=None, **kw):
    name = name or f"Group {_n()}"
    kw.setdefault("slug", slugify(name) + f"-{_n()}")
    return TagGroup.objects.create(name=name, **kw)


def make_tag(name=None, *, group=None, **kw):
    name = name or f"Tag {_n()}"
    kw.setdefault("slug", slugify(name) + f"-{_n()}")
    kw.setdefault("definition", f"Definition of {name}.")
    return Tag.objects.create(name=name, group=group or make_tag_group(), **kw)


def make_source(name=None, **kw):
    name = name or f"Source {_n()}"
    kw.setdefault("slug", slugify(name) + f"-{_n()}")
    return Source.objects.create(name=name, **kw)


def make_witness(descriptor="resident", role=Witness.Role.RESIDENT, *, identity=None):
    witness = Witness.objects.create(descriptor=descriptor, role=role)
    if identity is not None:
        WitnessIdentity.objects.create(witness=witness, **identity)
    return witness


def make_incident(name=None, **kw):
    name = name or f"Incident {_n()}"
    kw.setdefault("slug", slugify(name) + f"-{_n()}")
    kw.setdefault("date_start", datetime.date(2022, 1, 5))
    kw.setdefault("date_end", kw["date_start"])
    return Incident.objects.create(name=name, **kw)


def make_testimony(title="An account", *, tags=(), incidents=(), **kw):
    """A published, single-day testimony on 5 January 2022 unless told otherwise."""
    kw.setdefault("body", f"What the witness saw: {title}.")
    kw.setdefault("status", Status.PUBLISHED)
    kw.setdefault("date_start", datetime.date(2022, 1, 5))
    kw.setdefault("date_end", kw["date_start"])
    if "witness" not in kw:
        kw["witness"] = make_witness()
    if kw["status"] == Status.RETRACTED:
        kw.setdefault("retraction_note", "Retracted for a test.")
    testimony = Testimony.objects.create(title=title, **kw)
    if tags:
        testimony.tags.set(tags)
    if incidents:
        testimony.incidents.set(incidents)
    return testimony


def make_testimonies(count, **kw):
    return [make_testimony(f"Account number {i}", **kw) for i in range(count)]


def make_actor(name=None, *, kind=Actor.Kind.GOVERNMENT, **kw):
    name = name or f"Actor {_n()}"
    kw.setdefault("slug", slugify(name) + f"-{_n()}")
    return Actor.objects.create(name=name, kind=kind, **kw)


def make_statement(claim="An official claim.", **kw):
    kw.setdefault("status", Status.PUBLISHED)
    kw.setdefault("made_on", datetime.date(2022, 1, 5))
    if "actor" not in kw:
        kw["actor"] = make_actor()
    return Statement.objects.create(claim=claim, **kw)


def make_cross_reference(testimony, target, relation=CrossReference.Relation.CORROBORATES, note="Because."):
    if isinstance(target, Statement):
        return CrossReference.objects.create(testimony=testimony, statement=target, relation=relation, note=note)
    return CrossReference.objects.create(testimony=testimony, other_testimony=target, relation=relation, note=note)
