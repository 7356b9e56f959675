"""Browser tests: Playwright for Python driving Debian's Chromium against the live test server.

Without /usr/bin/chromium (or $CHROMIUM) the tests are skipped, except under CI=true, where a missing browser fails.
Screenshots land in tests/e2e/screenshots/ (ignored by git).

The accessibility and HTML checks use npm packages pinned in tests/e2e/package.json; install them with
`npm ci --prefix tests/e2e --ignore-scripts` (the checker runs on the system's java). Without them those checks are
skipped, except under CI=true, where they fail.
"""

import io
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.getenv("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if not Path(CHROMIUM).exists():
        if os.getenv("CI", "").lower() == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}: CI must install the Debian package 'chromium'.")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API leaves an event loop running in this thread, and Django keeps its connections in
    # storage bound to that loop: from here on the tests get new connection objects. Hand them the migrated rows the
    # test database setup serialized, which ``serialized_rollback`` (see ``seed``) restores after every flush.
    serialized = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        yield browser
        browser.close()
        # Close the connections opened meanwhile, or PostgreSQL refuses to drop the test database at the end.
        connections.close_all()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under tests/e2e/screenshots/NAME.png and return its path."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# --- The archive under test -------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "fixtures" / "kazakhstan-2022.json"
NODE_MODULES = Path(__file__).resolve().parent / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture
def seed(django_db_serialized_rollback, transactional_db, live_server):
    """The seed collection, committed, so the live server's thread sees it and the search index is written.

    Loaded by ``manage.py setup_archive``, as on a fresh install. The database is emptied after each browser test,
    so the rows the migrations create (groups, credibility tags) are restored from their serialized copy first
    (``serialized_rollback``). Returns the live server's base URL."""
    from django.core.management import call_command

    call_command("setup_archive", fixture=str(SEED), verbosity=0, stdout=io.StringIO())
    return live_server.url


def _checker(path):
    """The path of an npm-installed checker, skipping (or, under CI=true, failing) when it is not installed."""
    if not path.exists():
        message = f"{path.relative_to(ROOT)} is missing: run `npm ci --prefix tests/e2e --ignore-scripts`"
        if os.getenv("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def axe_script():
    """axe-core's script, to inject into a page (npm package axe-core)."""
    return _checker(AXE)


@pytest.fixture(scope="session")
def vnu_jar():
    """The Nu HTML Checker (npm package vnu-jar); it needs java on the PATH."""
    jar = _checker(VNU)
    if not shutil.which("java"):
        if os.getenv("CI", "").lower() == "true":
            pytest.fail("java is not installed: CI must install default-jre-headless for the HTML checker.")
        pytest.skip("java is not installed (apt-get install default-jre-headless)")
    return jar
