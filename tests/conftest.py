"""The shared cast: editors, a reader, a published testimony, a draft, a confidential witness, a tree of places with
accounts to search."""

import pytest

from testimony.models import Status

from . import factories

# Marker strings that must never appear on any public page, feed or export.
CONFIDENTIAL_MARKER = "ZZCONFIDENTIALMARKER"
DRAFT_MARKER = "ZZDRAFTMARKER"
INTERNAL_NOTE_MARKER = "ZZINTERNALNOTEMARKER"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(db):
    return factories.make_user("editor", groups=["Editor"])


@pytest.fixture
def contributor(db):
    return factories.make_user("contributor", groups=["Contributor"])


@pytest.fixture
def confidential_editor(db):
    """An editor who was also granted, by hand, the permission to read witness identities."""
    return factories.make_user(
        "trusted",
        groups=["Editor"],
        perms=["testimony.view_witnessidentity", "testimony.change_witnessidentity"],
    )


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def confidential_witness(db):
    return factories.make_witness(
        "protester at Republic Square",
        identity={
            "real_name": f"Real Name {CONFIDENTIAL_MARKER}",
            "contact": f"+7 700 000 {CONFIDENTIAL_MARKER}",
            "private_notes": f"Lives near the square {CONFIDENTIAL_MARKER}",
        },
    )


@pytest.fixture
def published(db, confidential_witness):
    return factories.make_testimony(
        "Men in balaclavas handed out alcohol",
        body="At some point during the night, men wearing black balaclavas began appearing in the crowd.",
        witness=confidential_witness,
        editor_notes=f"Check with the source {INTERNAL_NOTE_MARKER}",
    )


@pytest.fixture
def draft(db):
    return factories.make_testimony(
        f"Unverified rumour {DRAFT_MARKER}",
        body=f"A draft account that must stay hidden {DRAFT_MARKER}.",
        status=Status.DRAFT,
    )


@pytest.fixture
def gunfire_across_places(db, django_capture_on_commit_callbacks):
    """Kazakhstan > Almaty > Medeu > Republic Square, and Aktobe, with accounts of gunfire (and one of silence)
    at several levels, indexed as a commit would: for searches narrowed to a place."""
    with django_capture_on_commit_callbacks(execute=True):
        country = factories.make_place("Kazakhstan", slug="kz", kind="country")
        city = factories.make_place("Almaty", slug="almaty", parent=country, kind="city")
        district = factories.make_place("Medeu", slug="medeu", parent=city)
        site = factories.make_place("Republic Square", slug="square", parent=district, kind="site")
        other_city = factories.make_place("Aktobe", slug="aktobe", parent=country, kind="city")
        factories.make_testimony("Gunfire in the city", body="Gunfire all night.", place=city)
        factories.make_testimony("Gunfire on the square", body="Gunfire near the akimat.", place=site)
        factories.make_testimony("Quiet district", body="No shots were heard.", place=district)
        factories.make_testimony("Gunfire in Aktobe", body="Gunfire by the station.", place=other_city)
        factories.make_testimony("Gunfire somewhere", body="Gunfire, place unknown.")
